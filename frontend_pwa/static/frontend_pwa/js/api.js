// The HTTP side of the sync protocol (docs/sync-protocol.md): device token, JSON, typed failures.

export class ApiError extends Error {
  constructor(kind, status, body, retryAfter = null) {
    super(`${kind} (${status})`);
    this.kind = kind; // "network" | "revoked" | "unauthorised" | "too_large" | "server" | "client"
    this.status = status;
    this.body = body;
    this.retryAfter = retryAfter; // seconds the server asked to wait (503, 429), or null
  }

  /** Worth retrying later with backoff (the network or the server, not the request itself). */
  get transient() {
    return this.kind === "network" || this.kind === "server";
  }
}

export async function call(path, { token = null, method = "GET", body = undefined } = {}) {
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Device ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
    });
  } catch {
    throw new ApiError("network", 0, null);
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (response.ok) return data;
  const s = response.status;
  const wait = Number.parseInt(response.headers.get("Retry-After") || "", 10);
  const retryAfter = Number.isFinite(wait) && wait >= 0 ? Math.min(wait, 3600) : null;
  if (s === 410 && data && data.code === "device_revoked") throw new ApiError("revoked", s, data);
  if (s === 401 || s === 403) throw new ApiError("unauthorised", s, data);
  if (s === 413) throw new ApiError("too_large", s, data);
  if (s === 429 || s >= 500) throw new ApiError("server", s, data, retryAfter);
  throw new ApiError("client", s, data);
}

/** Signs in on this phone; `install_id` lets the server replace this phone's earlier device. */
export function enrol({ username, password, label, install_id = null }) {
  return call("/api/v1/devices/enrol", {
    method: "POST",
    body: { username, password, label, ...(install_id ? { install_id } : {}) },
  });
}

/** `device`: {outbox, last_sync_at}, what the phone still holds (shown to its coordinator). */
export function push(token, operations, device = null) {
  return call("/api/v1/sync/push", {
    token,
    method: "POST",
    body: { sent_at: new Date().toISOString(), operations, ...(device ? { device } : {}) },
  });
}

export function pull(token, cursor, limit = 500) {
  const q = new URLSearchParams({ limit: String(limit) });
  if (cursor) q.set("cursor", cursor);
  return call(`/api/v1/sync/pull?${q}`, { token });
}

/** The team keys wrapped for this device and the devices waiting for one (ADR 010). */
export function keys(token) {
  return call("/api/v1/keys", { token });
}

/** `body`: {public_key, new_keys, wraps}, each optional; answers as keys(). */
export function sendKeys(token, body) {
  return call("/api/v1/keys", { token, method: "POST", body });
}

/** Notes and codes typed before the team had a key, for this device to seal (ADR 010). */
export function legacy(token) {
  return call("/api/v1/keys/legacy", { token });
}

export function sendLegacy(token, body) {
  return call("/api/v1/keys/legacy", { token, method: "POST", body });
}
