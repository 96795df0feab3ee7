// Conversions between grpc-js Metadata and the control protocol's list of interop.v1.MetadataEntry.
import grpc from '@grpc/grpc-js';

const isBinaryKey = (key) => key.endsWith('-bin');

/**
 * The value of an entry, checked against its key: gRPC carries a "-bin" key's value as bytes and
 * any other as text. An entry with neither set stands for the empty value of its key's kind.
 */
function valueOf({ key, value, text, binary }) {
  if (isBinaryKey(key)) {
    if (value === 'text') throw new Error('must be binary, as the key ends in "-bin"');
    return binary ?? Buffer.alloc(0);
  }
  if (value === 'binary') throw new Error('must be text, as the key does not end in "-bin"');
  return text ?? '';
}

/** Request metadata from entries, in the order given; throws on a key or value gRPC refuses. */
export function metadataFromEntries(entries) {
  const metadata = new grpc.Metadata();
  entries.forEach((entry, index) => {
    try {
      metadata.add(entry.key, valueOf(entry));
    } catch (error) {
      throw new Error(`metadata entry ${index} (${entry.key}): ${error.message}`);
    }
  });
  return metadata;
}

/** The entries of received metadata, less the keys gRPC reserves for itself ("grpc-..."). */
export function entriesFromMetadata(metadata) {
  const entries = [];
  for (const [key, values] of Object.entries(metadata.toJSON())) {
    if (key.startsWith('grpc-')) continue;
    for (const value of values) {
      entries.push(Buffer.isBuffer(value) ? { key, binary: value } : { key, text: value });
    }
  }
  return entries;
}
