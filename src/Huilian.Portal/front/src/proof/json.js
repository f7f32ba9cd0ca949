// A strict JSON reader (RFC 8259, as System.Text.Json reads it by default: no comments, no trailing commas) that
// keeps each number's text, so that 64-bit integers are read exactly, and notes objects that repeat a name.

/** A number as written in the file; `text` is read exactly by the binders below. */
export class JsonNumber {
  constructor(text) {
    this.text = text;
  }
}

/** Set on an object that names one property twice (the last one is kept, as System.Text.Json does by default). */
export const DUPLICATE = Symbol('duplicate property');

export class JsonError extends Error {}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const DEPTH_MAX = 64;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function parseJson(text) {
  let at = 0;
  const fail = (what) => {
    throw new JsonError(`${what} at offset ${at}.`);
  };
  const space = () => {
    while (at < text.length) {
      const c = text.charCodeAt(at);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) at++;
      else break;
    }
  };
  const string = () => {
    STRING.lastIndex = at;
    const match = STRING.exec(text);
    if (!match) fail('A malformed string');
    at = STRING.lastIndex;
    const value = JSON.parse(match[0]);
    // System.Text.Json refuses an escaped lone surrogate ("Cannot read invalid UTF-16 JSON text as string").
    if (LONE_SURROGATE.test(value)) fail('A string holding a lone surrogate');
    return value;
  };
  const value = (depth) => {
    if (depth > DEPTH_MAX) fail('Nesting too deep');
    space();
    const c = text[at];
    if (c === '{') {
      at++;
      const object = Object.create(null);
      space();
      if (text[at] === '}') {
        at++;
        return object;
      }
      for (;;) {
        space();
        if (text[at] !== '"') fail('A property name was expected');
        const name = string();
        space();
        if (text[at] !== ':') fail("':' was expected");
        at++;
        const item = value(depth + 1);
        if (Object.prototype.hasOwnProperty.call(object, name)) object[DUPLICATE] = true;
        object[name] = item;
        space();
        if (text[at] === ',') {
          at++;
          continue;
        }
        if (text[at] === '}') {
          at++;
          return object;
        }
        fail("',' or '}' was expected");
      }
    }
    if (c === '[') {
      at++;
      const array = [];
      space();
      if (text[at] === ']') {
        at++;
        return array;
      }
      for (;;) {
        array.push(value(depth + 1));
        space();
        if (text[at] === ',') {
          at++;
          continue;
        }
        if (text[at] === ']') {
          at++;
          return array;
        }
        fail("',' or ']' was expected");
      }
    }
    if (c === '"') return string();
    for (const [word, result] of [['true', true], ['false', false], ['null', null]]) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return result;
      }
    }
    NUMBER.lastIndex = at;
    const match = NUMBER.exec(text);
    if (!match) fail(at >= text.length ? 'The text ended early' : 'An unexpected character');
    at = NUMBER.lastIndex;
    return new JsonNumber(match[0]);
  };
  const result = value(0);
  space();
  if (at !== text.length) fail('Unexpected text after the end');
  return result;
}

const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;

/** An integer JSON number within [min, max] (BigInt bounds), as a BigInt; null when it is not one. */
export function integerOf(value, min, max) {
  if (!(value instanceof JsonNumber) || !INTEGER.test(value.text)) return null;
  const n = BigInt(value.text);
  return n < min || n > max ? null : n;
}

export const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof JsonNumber);
