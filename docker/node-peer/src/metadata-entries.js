// Conversions between grpc-js Metadata and the control protocol's list of interop.v1.MetadataEntry.
import grpc from '@grpc/grpc-js';

/** Request metadata from entries, in the order given; throws on a key or value grpc-js refuses. */
export function metadataFromEntries(entries) {
  const metadata = new grpc.Metadata();
  entries.forEach(({ key, value, text, binary }, index) => {
    try {
      metadata.add(key, value === 'binary' ? binary : text);
    } catch (error) {
      throw new Error(`metadata entry ${index} (${key}): ${error.message}`);
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
