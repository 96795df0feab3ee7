// The peer's gRPC server: the calculator, the control service, health and reflection on one port,
// behind one interceptor for metadata echo and call records.
import grpc from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import { callInterceptor } from './call-interceptor.js';
import { CallRunner } from './call-runner.js';
import { calculatorHandlers } from './calculator-service.js';
import { MethodCatalog } from './method-catalog.js';
import { peerControlHandlers } from './peer-control-service.js';
import { loadProtos } from './protos.js';
import { ServerCallLog } from './server-call-log.js';

const CALCULATOR_SERVICE = 'calculator.v1.CalculatorService';
const CONTROL_SERVICE = 'interop.v1.PeerControlService';
// Health answers for the server as a whole ("") and for each service it serves.
const HEALTH_CHECKED = ['', CALCULATOR_SERVICE, CONTROL_SERVICE];

export class PeerServer {
  #server;
  #health;
  #callRunner;

  constructor({ protos = loadProtos() } = {}) {
    const callLog = new ServerCallLog();
    this.#callRunner = new CallRunner(new MethodCatalog(protos));
    this.#health = new HealthImplementation(
      Object.fromEntries(HEALTH_CHECKED.map((service) => [service, 'SERVING'])),
    );
    // No options: the server keeps gRPC's default 4 MiB limit on the messages it receives, as the
    // contract asks. A grpc-js server cannot compress its responses at all (grpc/grpc-node#1823),
    // so the request metadata "x-interop-response-compression" goes unheeded.
    this.#server = new grpc.Server({
      interceptors: [callInterceptor({ callLog, recordedServices: new Set([CALCULATOR_SERVICE]) })],
    });
    this.#server.addService(protos[CALCULATOR_SERVICE], calculatorHandlers());
    this.#server.addService(
      protos[CONTROL_SERVICE],
      peerControlHandlers({ callRunner: this.#callRunner, callLog }),
    );
    this.#health.addToServer(this.#server);
    new ReflectionService(protos).addToServer(this.#server);
  }

  /** Listens in plaintext on host:port (port 0 picks a free one); resolves to the bound port. */
  start(port, host = '0.0.0.0') {
    return new Promise((resolve, reject) => {
      this.#server.bindAsync(
        `${host}:${port}`,
        grpc.ServerCredentials.createInsecure(),
        (error, bound) => (error ? reject(error) : resolve(bound)),
      );
    });
  }

  /**
   * Stops taking calls and lets the ones in flight finish for up to `graceMillis`, then ends what
   * is left. Resolves to whether every call finished in time.
   */
  async stop(graceMillis = 5000) {
    for (const service of HEALTH_CHECKED) this.#health.setStatus(service, 'NOT_SERVING');
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
