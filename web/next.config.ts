import path from 'node:path';
import type { NextConfig } from 'next';

// web/ has no package.json of its own: its dependencies are in the repository root.
const repositoryRoot = path.resolve(import.meta.dirname, '..');

const securityHeaders = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'same-origin' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Content-Security-Policy', value: "frame-ancestors 'none'; object-src 'none'; base-uri 'self'" },
];

const config: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  outputFileTracingRoot: repositoryRoot,
  turbopack: { root: repositoryRoot },
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }];
  },
};

export default config;
