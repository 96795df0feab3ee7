// google.protobuf.Duration as proto-loader represents it: seconds as a decimal string, nanos a number.

const NANOS_PER_SECOND = 1_000_000_000n;

export function durationToMillis({ seconds, nanos }) {
  return Number(seconds) * 1000 + nanos / 1e6;
}

export function durationToNanos({ seconds, nanos }) {
  return BigInt(seconds) * NANOS_PER_SECOND + BigInt(nanos);
}

export function durationFromNanos(nanoseconds) {
  return {
    seconds: (nanoseconds / NANOS_PER_SECOND).toString(),
    nanos: Number(nanoseconds % NANOS_PER_SECOND),
  };
}

export function durationFromMillis(milliseconds) {
  return durationFromNanos(BigInt(Math.round(milliseconds * 1e6)));
}
