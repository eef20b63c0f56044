// Passkeys (WebAuthn) on the account pages. Progressive enhancement: the passkey part of a page
// is hidden until this module finds WebAuthn in the browser; the code form works without it.
// The server (accounts/views/passkeys.py) makes the challenges and checks every answer.

const toBuffer = (text) => {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer;
};

const toText = (buffer) =>
  btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

function csrfToken() {
  const field = document.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify(body || {}),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || String(response.status));
  return data;
}

const descriptors = (list) => (list || []).map((c) => ({ ...c, id: toBuffer(c.id) }));

async function register(button) {
  const { options } = await post(button.dataset.optionsUrl);
  const credential = await navigator.credentials.create({
    publicKey: {
      ...options,
      challenge: toBuffer(options.challenge),
      user: { ...options.user, id: toBuffer(options.user.id) },
      excludeCredentials: descriptors(options.excludeCredentials),
    },
  });
  const name = document.querySelector("[data-passkey-name]");
  return post(button.dataset.url, {
    name: name ? name.value : "",
    credential: {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response: {
        clientDataJSON: toText(credential.response.clientDataJSON),
        attestationObject: toText(credential.response.attestationObject),
        transports: credential.response.getTransports ? credential.response.getTransports() : [],
      },
      clientExtensionResults: credential.getClientExtensionResults(),
    },
  });
}

async function signIn(button) {
  const { options } = await post(button.dataset.optionsUrl);
  const credential = await navigator.credentials.get({
    publicKey: { ...options, challenge: toBuffer(options.challenge), allowCredentials: descriptors(options.allowCredentials) },
  });
  const r = credential.response;
  return post(button.dataset.url, {
    credential: {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response: {
        clientDataJSON: toText(r.clientDataJSON),
        authenticatorData: toText(r.authenticatorData),
        signature: toText(r.signature),
        userHandle: r.userHandle ? toText(r.userHandle) : null,
      },
      clientExtensionResults: credential.getClientExtensionResults(),
    },
  });
}

const CEREMONIES = { register, "sign-in": signIn };

function setUp() {
  if (!window.PublicKeyCredential || !navigator.credentials) return;
  for (const part of document.querySelectorAll(".passkey-only")) part.hidden = false;
  for (const button of document.querySelectorAll("[data-passkey]")) {
    const error = button.parentElement.querySelector("[data-passkey-error]");
    button.addEventListener("click", async () => {
      button.disabled = true;
      if (error) error.textContent = "";
      try {
        const answer = await CEREMONIES[button.dataset.passkey](button);
        window.location.assign(answer.redirect);
      } catch (problem) {
        // A cancelled or timed-out prompt says so in the browser's language; the server's own
        // refusals come translated.
        if (error) error.textContent = problem.name === "NotAllowedError" ? error.dataset.cancelled || "" : problem.message;
        button.disabled = false;
      }
    });
  }
}

setUp();
