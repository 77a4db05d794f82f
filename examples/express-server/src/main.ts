/**
 * The service as a process (`npm start`, the Docker image's CMD): reads the configuration from the
 * environment (exit 2 with one line per bad variable), starts the server, and on SIGTERM or SIGINT
 * stops accepting connections, drains in-flight requests, closes the tracking store and exits 0
 * (1 when requests had to be cut off at SHUTDOWN_TIMEOUT_MS).
 *
 * @module
 */
import { ConfigError, loadConfig, type ServiceConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { createServer } from "./server.js";

let config: ServiceConfig;
try {
  config = loadConfig(process.env);
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  const logger = createLogger({ level: "info" });
  logger.fatal({ problems: e.problems }, "invalid configuration");
  process.stderr.write(`senti-mlops-express-server: ${e.message}\n`);
  process.exit(2);
}

const logger = createLogger({ level: config.logLevel });
process.on("unhandledRejection", (reason) => {
  logger.fatal({ err: reason }, "unhandled rejection");
  process.exit(1);
});

try {
  const server = await createServer(config, { logger });
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    server.close().then(
      ({ drained }) => {
        logger.flush();
        process.exit(drained ? 0 : 1);
      },
      (err: unknown) => {
        logger.fatal({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
} catch (e) {
  logger.fatal({ err: e }, "could not start");
  logger.flush();
  process.exit(1);
}
