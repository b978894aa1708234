import { headers } from 'next/headers';

/**
 * The registry host that commands shown to the reader should name: the host of
 * NEXTAUTH_URL, which Wharf sets from WHARF_EXTERNAL_URL, or else the Host header
 * of the request.
 */
export async function registryHost(): Promise<string> {
  const external = process.env.NEXTAUTH_URL;
  if (external) return new URL(external).host;
  return (await headers()).get('host') ?? 'localhost:5000';
}

/** Returns Wharf's external origin, for commands that need a scheme (helm repo add). */
export async function externalOrigin(): Promise<string> {
  const external = process.env.NEXTAUTH_URL;
  if (external) return new URL(external).origin;
  return `http://${(await headers()).get('host') ?? 'localhost:5000'}`;
}
