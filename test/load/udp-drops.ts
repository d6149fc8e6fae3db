import { readFileSync } from 'node:fs';

/**
 * Datagrams the kernel dropped at the IPv4 UDP socket bound to 127.0.0.1:`port` (its receive
 * buffer was full: the reading process fell behind), from /proc/net/udp; null when not found.
 */
export function udpDrops(port: number): number | null {
  let text: string;
  try {
    text = readFileSync('/proc/net/udp', 'utf8');
  } catch {
    return null;
  }
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols[1] === local) return Number(cols.at(-1));
  }
  return null;
}
