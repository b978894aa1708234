import type { Platform } from '@/lib/catalog';

export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/') || 'unknown';
}

/** Lists the platforms of an image index, or shows a dash for a single-platform artifact. */
export function Platforms(props: { platforms: Platform[] }) {
  if (props.platforms.length === 0) return <span className="muted">—</span>;
  return <span>{props.platforms.map(formatPlatform).join(', ')}</span>;
}
