import path from 'node:path';

/** True when `p` lies strictly inside `root` (both absolute, resolved the same way): not the root itself, not beside or above it. */
export function isStrictlyInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}
