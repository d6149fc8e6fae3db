/**
 * NumPy `.npy` files (format 1.0–3.0), the interchange format with the Python prototype:
 * float32 matrices (`<f4`) and boolean masks (`|b1`), C order. Readers check the header against
 * the bytes actually present so a truncated or mislabelled file fails with a precise reason.
 */
const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

export type NpyDtype = '<f4' | '|b1';

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  /** Float32Array for `<f4`, Uint8Array (0/1) for `|b1`. */
  data: Float32Array | Uint8Array;
}

/** A problem with one `.npy` file; `file` is filled in by callers that know the path. */
export class NpyFormatError extends Error {
  override readonly name = 'NpyFormatError';
}

const ITEM_SIZE: Record<NpyDtype, number> = { '<f4': 4, '|b1': 1 };

export function encodeNpy(array: NpyArray): Buffer {
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  let header = `{'descr': '${array.dtype}', 'fortran_order': False, 'shape': ${shape}, }`;
  // Pad so the data starts on a 64-byte boundary, as numpy does; header ends with '\n'.
  const unpadded = MAGIC.length + 2 + 2 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const head = Buffer.alloc(MAGIC.length + 4);
  MAGIC.copy(head, 0);
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const data = Buffer.from(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), data]);
}

export function float32Npy(rows: number, dim: number, data: Float32Array): NpyArray {
  return { dtype: '<f4', shape: [rows, dim], data };
}

export function boolNpy(mask: Uint8Array): NpyArray {
  return { dtype: '|b1', shape: [mask.length], data: mask };
}

function parseHeader(text: string): { descr: string; fortran: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new NpyFormatError(`unreadable .npy header: ${text.trim().slice(0, 120)}`);
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const n = Number(s.replace(/L$/, ''));
      if (!Number.isSafeInteger(n) || n < 0) throw new NpyFormatError(`bad dimension "${s}" in .npy shape`);
      return n;
    });
  return { descr, fortran: fortran === 'True', shape };
}

/** Parses a `.npy` buffer; only little-endian float32 and bool, C order. */
export function decodeNpy(buf: Buffer): NpyArray {
  if (buf.length < 10 || !buf.subarray(0, 6).equals(MAGIC)) {
    throw new NpyFormatError('not a .npy file (missing \\x93NUMPY magic)');
  }
  const major = buf[6]!;
  let headerLen: number;
  let offset: number;
  if (major === 1) {
    headerLen = buf.readUInt16LE(8);
    offset = 10;
  } else if (major === 2 || major === 3) {
    if (buf.length < 12) throw new NpyFormatError('truncated .npy header');
    headerLen = buf.readUInt32LE(8);
    offset = 12;
  } else {
    throw new NpyFormatError(`unsupported .npy format version ${major}`);
  }
  if (buf.length < offset + headerLen) throw new NpyFormatError('truncated .npy header');
  const { descr, fortran, shape } = parseHeader(buf.subarray(offset, offset + headerLen).toString('latin1'));
  if (fortran) throw new NpyFormatError('Fortran-order arrays are not supported (save with C order)');
  const dtype = descr === '<f4' || descr === '|b1' ? descr : descr === '?' || descr === '<b1' ? '|b1' : undefined;
  if (!dtype) throw new NpyFormatError(`dtype ${descr} is not supported (expected float32 '<f4' or bool '|b1')`);
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = offset + headerLen;
  const expected = count * ITEM_SIZE[dtype];
  const actual = buf.length - dataStart;
  if (actual < expected) {
    throw new NpyFormatError(
      `truncated: header says shape (${shape.join(', ')}) = ${expected} bytes of data, file has ${actual}`,
    );
  }
  if (actual > expected) {
    throw new NpyFormatError(`${actual - expected} bytes of trailing data after shape (${shape.join(', ')})`);
  }
  const start = buf.byteOffset + dataStart;
  if (dtype === '<f4' && start % 4 === 0) {
    // numpy pads headers to 64 bytes, so a file read whole is aligned: a view, no copy (index load time).
    return { dtype, shape, data: new Float32Array(buf.buffer, start, count) };
  }
  // Otherwise copy into an aligned buffer: a Float32Array view needs a 4-byte aligned offset.
  const bytes = new Uint8Array(expected);
  bytes.set(buf.subarray(dataStart, dataStart + expected));
  const data = dtype === '<f4' ? new Float32Array(bytes.buffer) : bytes;
  return { dtype, shape, data };
}
