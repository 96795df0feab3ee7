// The peer's gRPC server: the calculator, the control service, health and reflection, in plaintext
// on one port and over TLS on another when it has a certificate, behind one interceptor for
// metadata echo, the server id and call records.
import { hostname } from 'node:os';
import grpc from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import { callInterceptor } from './call-interceptor.js';
import { CallRunner } from './call-runner.js';
import { calculatorHandlers } from './calculator-service.js';
import { LoadRunner } from './load-runner.js';
import { MethodCatalog } from './method-catalog.js';
import { peerControlHandlers } from './peer-control-service.js';
import { loadProtos } from './protos.js';
import { ServerCallLog } from './server-call-log.js';
import { serverTlsCredentials } from './transport-security.js';

const CALCULATOR_SERVICE = 'calculator.v1.CalculatorService';
const CONTROL_SERVICE = 'interop.v1.PeerControlService';
// Health answers for the server as a whole ("") and for each service it serves.
const HEALTH_CHECKED = ['', CALCULATOR_SERVICE, CONTROL_SERVICE];

/** The name in x-interop-server-id: env SERVER_ID, else the host name (a container's id). */
export function serverIdFromEnvironment() {
  return process.env.SERVER_ID || hostname();
}

export class PeerServer {
  #server;
  #health;
  #callRunner;

  constructor({ protos = loadProtos(), serverId = serverIdFromEnvironment() } = {}) {
    const callLog = new ServerCallLog();
    this.#callRunner = new CallRunner(new MethodCatalog(protos));
    this.#health = new HealthImplementation(
      Object.fromEntries(HEALTH_CHECKED.map((service) => [service, 'SERVING'])),
    );
    // No options: the server keeps gRPC's default 4 MiB limit on the messages it receives, as the
    // contract asks. A grpc-js server cannot compress its responses at all (grpc/grpc-node#1823),
    // so the request metadata "x-interop-response-compression" goes unheeded. Nor does a grpc-js
    // server police client keepalive pings: it permits any rate, so KEEPALIVE_PERMIT_TIME_MS needs
    // no setting here.
    this.#server = new grpc.Server({
      interceptors: [
        callInterceptor({
          callLog,
          recordedServices: new Set([CALCULATOR_SERVICE]),
          serverId,
        }),
      ],
    });
    this.#server.addService(protos[CALCULATOR_SERVICE], calculatorHandlers());
    this.#server.addService(
      protos[CONTROL_SERVICE],
      peerControlHandlers({
        callRunner: this.#callRunner,
        loadRunner: new LoadRunner(this.#callRunner),
        callLog,
        setServing: (serving) => this.setServing(serving),
      }),
    );
    this.#health.addToServer(this.#server);
    new ReflectionService(protos).addToServer(this.#server);
  }

  /** Listens in plaintext on host:port (port 0 picks a free one); resolves to the bound port. */
  start(port, host = '0.0.0.0') {
    return this.#listen(port, host, grpc.ServerCredentials.createInsecure());
  }

  /**
   * Also listens over TLS on host:port, every service alike, with the PEM `certChain` and
   * `privateKey`; with a `clientCa`, only clients with a certificate it signed get through (mTLS).
   * Resolves to the bound port.
   */
  startTls(port, { certChain, privateKey, clientCa }, host = '0.0.0.0') {
    return this.#listen(port, host, serverTlsCredentials({ certChain, privateKey, clientCa }));
  }

  /** Sets the health of the server and of every service it serves, which Check and Watch report. */
  setServing(serving) {
    const status = serving ? 'SERVING' : 'NOT_SERVING';
    for (const service of HEALTH_CHECKED) this.#health.setStatus(service, status);
  }

  #listen(port, host, credentials) {
    return new Promise((resolve, reject) => {
      this.#server.bindAsync(`${host}:${port}`, credentials, (error, bound) =>
        error ? reject(error) : resolve(bound),
      );
    });
  }

  /**
   * Stops taking calls and lets the ones in flight finish for up to `graceMillis`, then ends what
   * is left. Resolves to whether every call finished in time.
   */
  async stop(graceMillis = 5000) {
    this.setServing(false);
    const drained = new Promise((resolve) => this.#server.tryShutdown(() => resolve(true)));
    let timer;
    const graceOver = new Promise((resolve) => {
      timer = setTimeout(resolve, graceMillis, false);
    });
    const finishedInTime = await Promise.race([drained, graceOver]);
    clearTimeout(timer);
    if (!finishedInTime) this.#server.forceShutdown();
    this.#callRunner.close();
    return finishedInTime;
  }
}
