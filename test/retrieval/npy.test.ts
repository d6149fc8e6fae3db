import { describe, expect, it } from 'vitest';
import { boolNpy, decodeNpy, encodeNpy, float32Npy } from '../../src/retrieval/artifacts/npy.ts';

describe('npy', () => {
  it('round-trips float32 matrices with a 64-byte aligned header like numpy', () => {
    const data = Float32Array.from({ length: 12 }, (_, i) => i / 3);
    const buf = encodeNpy(float32Npy(3, 4, data));
    const headerLen = buf.readUInt16LE(8);
    expect((10 + headerLen) % 64).toBe(0);
    expect(buf.subarray(10, 10 + headerLen).toString('latin1')).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(3, 4\), \}\s*\n$/);
    const back = decodeNpy(buf);
    expect(back.shape).toEqual([3, 4]);
    expect(Array.from(back.data)).toEqual(Array.from(data));
  });

  it('round-trips boolean masks with numpy 1-D shape syntax', () => {
    const buf = encodeNpy(boolNpy(Uint8Array.from([1, 0, 1])));
    expect(buf.toString('latin1')).toContain("'shape': (3,)");
    const back = decodeNpy(buf);
    expect(back.dtype).toBe('|b1');
    expect(Array.from(back.data)).toEqual([1, 0, 1]);
  });

  it('reads version 2.0 headers and numpy bool spelled "|b1" or "?"', () => {
    const header = "{'descr': '?', 'fortran_order': False, 'shape': (2,), }\n";
    const buf = Buffer.concat([Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0]), Buffer.alloc(4), Buffer.from(header, 'latin1'), Buffer.from([1, 0])]);
    buf.writeUInt32LE(header.length, 8);
    expect(Array.from(decodeNpy(buf).data)).toEqual([1, 0]);
  });

  it('names each kind of damage', () => {
    const good = encodeNpy(float32Npy(2, 2, new Float32Array(4)));
    expect(() => decodeNpy(Buffer.from('hello world'))).toThrow(/missing .x93NUMPY magic/);
    expect(() => decodeNpy(good.subarray(0, good.length - 3))).toThrow(/truncated: header says shape \(2, 2\) = 16 bytes of data, file has 13/);
    expect(() => decodeNpy(Buffer.concat([good, Buffer.alloc(4)]))).toThrow(/4 bytes of trailing data/);
    const f8 = Buffer.from(good);
    f8.write("'<f8'", f8.indexOf("'<f4'"), 'latin1');
    expect(() => decodeNpy(f8)).toThrow(/dtype <f8 is not supported/);
    const fortran = Buffer.from(good);
    fortran.write('True ', fortran.indexOf('False'), 'latin1');
    expect(() => decodeNpy(fortran)).toThrow(/Fortran-order/);
  });
});
