/**
 * The names of a module's custom sections, read straight from the bytes: the JS API can fetch a
 * custom section by name but cannot list them, and the transform reports which ones survive.
 * @module
 */

/** Custom section names in file order (a name appears once per section). Assumes a valid module. */
export function customSectionNames(bytes: Uint8Array): string[] {
  const names: string[] = [];
  let at = 8; // magic + version
  const uleb = (): number => {
    let result = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = bytes[at++]!;
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return result;
  };
  while (at < bytes.length) {
    const id = bytes[at++]!;
    const size = uleb();
    const end = at + size;
    if (id === 0) {
      const length = uleb();
      names.push(new TextDecoder().decode(bytes.subarray(at, at + length)));
    }
    at = end;
  }
  return names;
}
