import type { Platform } from '@/lib/catalog';

export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

export function Platforms(props: { platforms: Platform[] }) {
  if (props.platforms.length === 0) return <span className="muted">—</span>;
  return <span>{props.platforms.map(formatPlatform).join(', ')}</span>;
}
