// Turns JSON into a Lua table constructor, so a Lua script can be given `obj` with no JSON library in Lua.
// Objects become `{["key"] = value}`, arrays 1-based sequences, null is left out (nil), as Argo CD does; bytes
// outside printable ASCII are written as decimal escapes, which Lua 5.1 to 5.4 all read.

function luaString(text: string): string {
  let out = '"';
  for (const ch of Buffer.from(text, 'utf8')) {
    if (ch === 0x5c) out += '\\\\';
    else if (ch === 0x22) out += '\\"';
    else if (ch < 0x20 || ch >= 0x7f) out += `\\${String(ch).padStart(3, '0')}`;
    else out += String.fromCharCode(ch);
  }
  return `${out}"`;
}

function luaNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`cannot express ${n} in Lua`);
  return Number.isInteger(n) ? String(n) : n.toExponential();
}

export function luaLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'string') return luaString(value);
  if (typeof value === 'number') return luaNumber(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `{${value.map(luaLiteral).join(', ')}}`;
  if (typeof value === 'object') {
    const fields = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== null && v !== undefined);
    return `{${fields.map(([k, v]) => `[${luaString(k)}] = ${luaLiteral(v)}`).join(', ')}}`;
  }
  throw new Error(`cannot express a ${typeof value} in Lua`);
}
