import type { ComponentProps } from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';

/**
 * README headings sit below the page's own h1 to h3, so they start at h4 and
 * keep the page's outline in order for screen readers.
 */
const SHIFTED_HEADINGS: Components = {
  h1: (props: ComponentProps<'h4'>) => <h4 {...withoutNode(props)} />,
  h2: (props: ComponentProps<'h5'>) => <h5 {...withoutNode(props)} />,
  h3: (props: ComponentProps<'h6'>) => <h6 {...withoutNode(props)} />,
  h4: (props: ComponentProps<'h6'>) => <h6 {...withoutNode(props)} />,
  h5: (props: ComponentProps<'h6'>) => <h6 {...withoutNode(props)} />,
};

/** Drops the syntax-tree node that react-markdown passes to custom components. */
function withoutNode<T extends object>(props: T): T {
  const { node: _node, ...rest } = props as T & { node?: unknown };
  return rest as T;
}

/**
 * Renders Markdown from a chart or other user content as safe HTML. react-markdown
 * 10 escapes raw HTML in the source, so it shows as text, and its default URL
 * filter empties links with scripting schemes such as javascript:. Images are
 * left out so that a README cannot make readers' browsers fetch from other hosts.
 */
export function Markdown(props: { source: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown remarkPlugins={[remarkGfm]} disallowedElements={['img']} unwrapDisallowed components={SHIFTED_HEADINGS}>
        {props.source}
      </ReactMarkdown>
    </div>
  );
}
