import { type ChartImage, getScanSummary } from '@/lib/catalog';
import { artifactPath } from '@/lib/catalog-paths';
import { splitImageReference } from '@/lib/image-reference';
import Link from 'next/link';
import { ScanSummaryView } from './scan-summary';

/**
 * The images a chart version references, each with its scan state when it is
 * stored in this Wharf. One small query per stored image: charts name few images.
 */
export async function ChartImages(props: { images: ChartImage[] }) {
  if (props.images.length === 0) {
    return <p className="muted">Wharf found no image references in this chart&apos;s templates and values.</p>;
  }
  const rows = await Promise.all(props.images.map(loadImageState));
  return (
    <ul>
      {rows.map((row) => (
        <li key={row.image.reference} className="break">
          <code>{row.image.reference}</code> <ImageState row={row} />
        </li>
      ))}
    </ul>
  );
}

interface ImageRow {
  image: ChartImage;
  target: { repository: string; reference: string } | null;
  scan: Awaited<ReturnType<typeof getScanSummary>> | null;
}

async function loadImageState(image: ChartImage): Promise<ImageRow> {
  const target = image.inWharf ? splitImageReference(image.reference) : null;
  if (!target) return { image, target, scan: null };
  return { image, target, scan: await getScanSummary(target.repository, target.reference) };
}

function ImageState(props: { row: ImageRow }) {
  const { target, scan } = props.row;
  if (!target || !scan) return <span className="muted">not in Wharf</span>;
  if (scan.status !== 'ok') return <span className="muted">scan state unavailable</span>;
  if (scan.data === null) return <span className="muted">not found, or scan results hidden</span>;
  return (
    <>
      <Link href={artifactPath(target.repository, target.reference)}>open</Link> <ScanSummaryView summary={scan.data} />
    </>
  );
}
