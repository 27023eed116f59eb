/** LRC of Modbus ASCII: the two's complement of the 8-bit sum of the bytes (section 2.5.2.2 of the serial line spec). */
export function lrc(data: Uint8Array, start = 0, end = data.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum = (sum + data[i]) & 0xff;
  return (-sum) & 0xff;
}
