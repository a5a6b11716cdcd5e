import { generateKeyPairSync, randomBytes } from "node:crypto";
import http from "node:http";
import Provider, { type KoaContextWithOIDC } from "oidc-provider";

export interface IdpUser {
  password: string;
  email: string;
  emailVerified: boolean;
  name: string;
  groups: string[];
}

export interface TestOidcIssuerOptions {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** 0 picks a free one. */
  port?: number;
}

const SIGNING_KID = "test-issuer-key";

function rsaJwk(kind: "private" | "public") {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = (kind === "private" ? privateKey : publicKey).export({ format: "jwk" });
  return { ...jwk, kid: SIGNING_KID, alg: "RS256", use: "sig" };
}

const page = (title: string, body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function formBody(request: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

/**
 * A real OpenID Connect provider (the `oidc-provider` package, the certified
 * implementation) with one confidential client, a login page and a consent
 * page, for tests. Users and their groups live in memory and can change
 * between sign-ins, as they do at a company's identity provider. It signs ID
 * tokens with its own RSA key; `publishForeignKeys` makes it publish another
 * key under the same key id instead, as a forged token would look.
 */
export class TestOidcIssuer {
  readonly users = new Map<string, IdpUser>();
  publishForeignKeys = false;
  private server: http.Server | null = null;
  private readonly signingKey = rsaJwk("private");
  private readonly foreignKey = rsaJwk("public");
  url = "";

  constructor(private readonly options: TestOidcIssuerOptions) {}

  async start(): Promise<string> {
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.options.port ?? 0, "127.0.0.1", () => resolve());
    });
    this.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const provider = this.provider(this.url);
    const callback = provider.callback();
    server.on("request", (request: http.IncomingMessage, response: http.ServerResponse) => {
      const path = new URL(request.url ?? "/", this.url).pathname;
      const interaction = /^\/interaction\/([\w-]+)(?:\/(login|confirm))?$/.exec(path);
      if (interaction) {
        this.interaction(provider, request, response, interaction[2]).catch((error: Error) => {
          response.statusCode = 500;
          response.end(error.message);
        });
      } else if (path === "/jwks" && this.publishForeignKeys) {
        response.setHeader("content-type", "application/json");
        response.end(JSON.stringify({ keys: [this.foreignKey] }));
      } else {
        callback(request, response);
      }
    });
    this.server = server;
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private provider(issuer: string): Provider {
    const { clientId, clientSecret, redirectUri } = this.options;
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: clientId,
          client_secret: clientSecret,
          redirect_uris: [redirectUri],
          grant_types: ["authorization_code"],
          response_types: ["code"],
          token_endpoint_auth_method: "client_secret_basic",
        },
      ],
      jwks: { keys: [this.signingKey] },
      cookies: { keys: [randomBytes(32).toString("hex")] },
      scopes: ["openid", "email", "profile", "groups"],
      claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
      // Put the granted claims in the ID token, where the control plane reads them.
      conformIdTokenClaims: false,
      // Not required here, so that the test of the control plane's own PKCE check is not masked by the provider's.
      pkce: { required: () => false },
      features: { devInteractions: { enabled: false } },
      interactions: { url: (_ctx: KoaContextWithOIDC, interaction) => `/interaction/${interaction.uid}` },
      findAccount: async (_ctx: KoaContextWithOIDC, accountId: string) => {
        const user = this.users.get(accountId);
        if (!user) return undefined;
        return {
          accountId,
          claims: async () => ({ sub: accountId, email: user.email, email_verified: user.emailVerified, name: user.name, groups: [...user.groups] }),
        };
      },
    });
    return provider;
  }

  private async interaction(provider: Provider, request: http.IncomingMessage, response: http.ServerResponse, step: string | undefined): Promise<void> {
    const details = await provider.interactionDetails(request, response);
    const html = (status: number, body: string) => {
      response.statusCode = status;
      response.setHeader("content-type", "text/html; charset=utf-8");
      response.end(body);
    };
    const loginForm = (error: string | null) =>
      page(
        "Test IdP sign-in",
        `${error ? `<p role="alert">${escape(error)}</p>` : ""}<form method="post" action="/interaction/${details.uid}/login">
          <label>Username <input name="username" autocomplete="username"></label>
          <label>IdP password <input name="password" type="password"></label>
          <button type="submit">Log in at Test IdP</button></form>`,
      );

    if (step === undefined) {
      if (details.prompt.name === "login") return html(200, loginForm(null));
      return html(
        200,
        page(
          "Test IdP consent",
          `<p>Switchyard asks for: ${escape(String(details.params.scope))}</p>
          <form method="post" action="/interaction/${details.uid}/confirm"><button type="submit">Allow</button></form>`,
        ),
      );
    }

    const form = await formBody(request);
    if (step === "login") {
      const username = form.get("username") ?? "";
      const user = this.users.get(username);
      if (!user || user.password !== form.get("password")) return html(401, loginForm("Wrong username or password."));
      await provider.interactionFinished(request, response, { login: { accountId: username } }, { mergeWithLastSubmission: false });
      return;
    }

    const { prompt, params, session, grantId } = details;
    const grant = grantId ? await provider.Grant.find(grantId) : new provider.Grant({ accountId: session!.accountId, clientId: String(params.client_id) });
    if (!grant) throw new Error("the interaction's grant is gone");
    const missing = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    await provider.interactionFinished(request, response, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
  }
}
