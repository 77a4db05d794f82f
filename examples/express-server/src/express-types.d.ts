/**
 * The part of Express 5's API this service uses, typed here because express 5 ships no types and
 * the workspace does not depend on `@types/express` (see the README's "Express service" section).
 * Replace this file with `@types/express` 5 when it is added as a dev dependency.
 */
declare module "express" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  export interface Request extends IncomingMessage {
    readonly method: string;
    readonly path: string;
    readonly originalUrl: string;
    readonly query: Record<string, unknown>;
    readonly params: Record<string, string>;
    body: unknown;
    readonly route?: { path: string };
    get(name: string): string | undefined;
    /** Set by pino-http. */
    id?: string | number | object;
    log?: import("pino").Logger;
  }

  export interface Response extends ServerResponse {
    status(code: number): this;
    json(body: unknown): this;
    send(body?: unknown): this;
    set(field: string, value: string): this;
    set(fields: Record<string, string>): this;
    type(type: string): this;
    locals: Record<string, unknown>;
  }

  export type NextFunction = (error?: unknown) => void;
  export type RequestHandler = (req: Request, res: Response, next: NextFunction) => unknown;
  export type ErrorRequestHandler = (error: unknown, req: Request, res: Response, next: NextFunction) => unknown;
  type Handler = RequestHandler | ErrorRequestHandler;

  export interface Route {
    get(...handlers: RequestHandler[]): Route;
    post(...handlers: RequestHandler[]): Route;
    all(...handlers: RequestHandler[]): Route;
  }

  export interface Application {
    (req: IncomingMessage, res: ServerResponse): void;
    disable(setting: string): this;
    set(setting: string, value: unknown): this;
    use(...handlers: Handler[]): this;
    use(path: string, ...handlers: Handler[]): this;
    get(path: string, ...handlers: RequestHandler[]): this;
    post(path: string, ...handlers: RequestHandler[]): this;
    all(path: string, ...handlers: RequestHandler[]): this;
    route(path: string): Route;
  }

  export interface RawOptions {
    limit?: number | string;
    type?: string | string[] | ((req: IncomingMessage) => boolean);
    inflate?: boolean;
  }

  interface Express {
    (): Application;
    raw(options?: RawOptions): RequestHandler;
  }

  const express: Express;
  export default express;
}
