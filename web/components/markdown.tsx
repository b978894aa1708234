import ReactMarkdown from 'react-markdown';
import remarkGfm from 'remark-gfm';

/**
 * Renders Markdown from a chart or other user content as safe HTML. react-markdown
 * 10 escapes raw HTML in the source, so it shows as text, and its default URL
 * filter empties links with scripting schemes such as javascript:. Images are
 * left out so that a README cannot make readers' browsers fetch from other hosts.
 */
export function Markdown(props: { source: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown remarkPlugins={[remarkGfm]} disallowedElements={['img']} unwrapDisallowed>
        {props.source}
      </ReactMarkdown>
    </div>
  );
}
