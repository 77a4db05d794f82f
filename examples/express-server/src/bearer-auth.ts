/**
 * Bearer-token authentication for the training routes: no `API_TOKEN` configured → training is
 * disabled (403); a missing, malformed or wrong token → 401 with `WWW-Authenticate: Bearer`.
 * Tokens are compared in constant time (as SHA-256 digests, so lengths leak nothing either).
 *
 * @module
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import { ServiceError } from "./service-error.js";

const digest = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest();

/**
 * Middleware that lets a request through only with `Authorization: Bearer <apiToken>`.
 *
 * @example
 * ```ts
 * app.post("/train_model", createBearerAuth(config.apiToken), startTraining);
 * ```
 */
export function createBearerAuth(apiToken: string | null): RequestHandler {
  const expected = apiToken === null ? null : digest(apiToken);
  return (req, _res, next) => {
    if (expected === null) {
      throw new ServiceError("PERMISSION_DENIED", "training is disabled: set API_TOKEN to enable POST /train_model");
    }
    const header = req.get("authorization");
    const challenge = { "WWW-Authenticate": 'Bearer realm="senti-mlops"' };
    const match = header ? /^Bearer +([\x21-\x7e]+) *$/i.exec(header) : null;
    if (!match) {
      throw new ServiceError("UNAUTHENTICATED", "send Authorization: Bearer <API_TOKEN>", { headers: challenge });
    }
    if (!timingSafeEqual(digest(match[1]!), expected)) {
      throw new ServiceError("UNAUTHENTICATED", "the bearer token is not valid", {
        headers: { "WWW-Authenticate": 'Bearer realm="senti-mlops", error="invalid_token"' },
      });
    }
    next();
  };
}
