import type { ReadRegistersResponse } from '../types';

/**
 * An FC 3/4 response whose registers are still in a register store (a server's memory map) that
 * keeps them as big-endian byte pairs, the order the PDU carries them in: the encoder copies the
 * bytes straight into the ADU, so a 125-register answer builds no array of numbers and converts
 * no word on the way. It is a ReadRegistersResponse like any other: `values` is made (once) for
 * whoever reads it, and assigning `values` makes the encoder use those instead.
 *
 * It is a view, not a copy: encode it before the store is written again, as a server answering
 * at once does.
 */
export class StoreReadResponse implements ReadRegistersResponse {
  private list: number[] | undefined;

  /**
   * @param bytes the store; the registers are `bytes[byteOffset .. byteOffset + 2 * quantity)`,
   *   high byte first (the caller has checked they are inside it: a typed array reads undefined past its end).
   */
  constructor(
    readonly fc: 0x03 | 0x04,
    readonly bytes: Uint8Array,
    readonly byteOffset: number,
    readonly quantity: number,
  ) {}

  /** True while the encoder may copy straight from the store. */
  get direct(): boolean {
    return this.list === undefined;
  }

  get values(): number[] {
    if (this.list === undefined) {
      const out = new Array<number>(this.quantity);
      const b = this.bytes;
      for (let i = 0, p = this.byteOffset; i < this.quantity; i++, p += 2) out[i] = (b[p] << 8) | b[p + 1];
      this.list = out;
    }
    return this.list;
  }

  set values(v: number[]) {
    this.list = v;
  }

  /** What a plain ReadRegistersResponse would print, for logs and msgs. */
  toJSON(): ReadRegistersResponse {
    return { fc: this.fc, values: this.values };
  }
}

/**
 * Below this many bytes a loop beats TypedArray#set, whose view and native call cost about as
 * much as copying 40 bytes one by one (measured on node 20).
 */
const SET_FROM = 40;

/** Copy `length` bytes of `src` from `from` to `b[at]`. */
export function copyStoreBytes(b: Uint8Array, at: number, src: Uint8Array, from: number, length: number): void {
  if (length >= SET_FROM) {
    b.set(src.subarray(from, from + length), at);
    return;
  }
  for (let i = 0; i < length; i++) b[at + i] = src[from + i];
}
