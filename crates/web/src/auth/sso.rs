//! Single sign-on with OpenID Connect (the authorisation code flow with
//! PKCE), against the council's identity provider: Microsoft Entra ID, or
//! any other that publishes its discovery document.
//!
//! The provider is discovered on first use, not at start, so Goldthread
//! starts while the provider is down; what it discovered (endpoints and
//! signing keys) is kept for an hour, and fetched again at once if an ID
//! token's signature does not match the keys kept (the provider rotated
//! them). The pages that use this are in `pages/sso.rs`.

use goldthread_domain::Role;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreIdToken, CoreIdTokenClaims, CoreProviderMetadata,
};
use openidconnect::{
    AsyncHttpClient, AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, HttpClientError, HttpRequest, HttpResponse,
    IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope,
    TokenResponse,
};
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

/// Where the provider sends people back, under the base URL.
pub const CALLBACK_PATH: &str = "/sign-in/sso/callback";

/// How long what discovery found is used before it is fetched again.
const DISCOVERY_LIFETIME: Duration = Duration::from_secs(60 * 60);

/// How to reach the council's identity provider; set by `serve`'s flags.
#[derive(Clone)]
pub struct SsoConfig {
    /// The issuer exactly as the provider names itself (its discovery
    /// document is under it), e.g.
    /// `https://login.microsoftonline.com/TENANT-ID/v2.0`.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// The role of an account made at someone's first sign-in; `None`:
    /// only people who already have an account may sign in.
    pub default_role: Option<Role>,
}

impl std::fmt::Debug for SsoConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SsoConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"(hidden)")
            .field("default_role", &self.default_role)
            .finish()
    }
}

impl SsoConfig {
    /// Checks what can be checked without the provider: the issuer is an
    /// http(s) URL, the id and secret are not empty.
    pub fn check(&self) -> Result<(), String> {
        let issuer = IssuerUrl::new(self.issuer.clone())
            .map_err(|e| format!("the OpenID issuer '{}' is not a URL: {e}", self.issuer))?;
        if !matches!(issuer.url().scheme(), "https" | "http") {
            return Err(format!(
                "the OpenID issuer '{}' must be an https:// URL",
                self.issuer
            ));
        }
        if self.client_id.trim().is_empty() || self.client_secret.is_empty() {
            return Err("the OpenID client id and secret must not be empty".into());
        }
        Ok(())
    }
}

/// The redirect URI to register with the provider: the callback under the
/// address people open Goldthread at.
pub fn redirect_uri(base_url: &str) -> String {
    format!("{}{CALLBACK_PATH}", base_url.trim_end_matches('/'))
}

/// The client as discovery makes it: the authorisation endpoint set, the
/// token and userinfo endpoints set if the provider named them.
type OidcClient = CoreClient<
    EndpointSet,      // authorisation
    EndpointNotSet,   // device authorisation
    EndpointNotSet,   // introspection
    EndpointNotSet,   // revocation
    EndpointMaybeSet, // token
    EndpointMaybeSet, // userinfo
>;

/// Why signing in through the provider did not work.
#[derive(Debug)]
pub enum SsoError {
    /// The provider could not be reached or answered nonsense: not the
    /// person's fault, try later. The detail is for the log.
    Unavailable(String),
    /// The provider did not vouch for the person (a bad or expired code,
    /// an ID token that does not verify). The detail is for the log.
    Refused(String),
}

/// What a sign-in must keep until the provider sends the person back.
pub struct Pending {
    /// Where to send the browser.
    pub authorize_url: String,
    pub state: String,
    pub nonce: String,
    pub verifier: String,
}

/// Who the provider says signed in.
#[derive(Debug, Clone)]
pub struct Identity {
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: Option<bool>,
    pub name: Option<String>,
}

/// The provider, its discovery kept between requests.
pub struct Sso {
    pub config: SsoConfig,
    pub redirect_uri: String,
    http: OidcHttp,
    discovered: tokio::sync::Mutex<Option<(OidcClient, Instant)>>,
}

impl std::fmt::Debug for Sso {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sso")
            .field("config", &self.config)
            .field("redirect_uri", &self.redirect_uri)
            .finish_non_exhaustive()
    }
}

impl Sso {
    pub fn new(config: SsoConfig, base_url: &str) -> Result<Sso, String> {
        config.check()?;
        let redirect_uri = redirect_uri(base_url);
        RedirectUrl::new(redirect_uri.clone())
            .map_err(|e| format!("the redirect URI '{redirect_uri}' is not a URL: {e}"))?;
        Ok(Sso {
            config,
            redirect_uri,
            http: OidcHttp::new()
                .map_err(|e| format!("cannot make an HTTP client for single sign-on: {e}"))?,
            discovered: tokio::sync::Mutex::new(None),
        })
    }

    /// The client: discovered now if not yet, or if what was found is over
    /// an hour old (or `refresh`). If the provider cannot be reached for a
    /// refresh, what was found before is used.
    async fn client(&self, refresh: bool) -> Result<OidcClient, SsoError> {
        let mut discovered = self.discovered.lock().await;
        if let Some((client, at)) = discovered.as_ref()
            && !refresh
            && at.elapsed() < DISCOVERY_LIFETIME
        {
            return Ok(client.clone());
        }
        match self.discover().await {
            Ok(client) => {
                *discovered = Some((client.clone(), Instant::now()));
                Ok(client)
            }
            Err(e) => match discovered.as_ref() {
                Some((client, _)) => {
                    tracing::warn!(error = %e, "single sign-on: discovery failed; using what was found before");
                    Ok(client.clone())
                }
                None => Err(SsoError::Unavailable(e)),
            },
        }
    }

    async fn discover(&self) -> Result<OidcClient, String> {
        // The exact string: a URL parsed and printed again may gain a '/',
        // and the provider's `issuer` must match it character for character.
        let issuer = IssuerUrl::new(self.config.issuer.clone()).map_err(|e| e.to_string())?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| format!("discovery at {} failed: {}", self.config.issuer, chain(&e)))?;
        let redirect = RedirectUrl::new(self.redirect_uri.clone()).map_err(|e| e.to_string())?;
        tracing::info!(issuer = %self.config.issuer, "single sign-on: provider discovered");
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.config.client_id.clone()),
            Some(ClientSecret::new(self.config.client_secret.clone())),
        )
        .set_redirect_uri(redirect))
    }

    /// Starts a sign-in: a fresh state, nonce and PKCE verifier, and the
    /// provider's URL asking for the person's email and name.
    pub async fn start(&self) -> Result<Pending, SsoError> {
        let client = self.client(false).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            // "openid" is always asked for.
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        Ok(Pending {
            authorize_url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            verifier: verifier.secret().clone(),
        })
    }

    /// Finishes a sign-in: exchanges the code (with the verifier) for
    /// tokens and verifies the ID token's signature, issuer, audience,
    /// expiry and nonce. The caller has checked the state.
    pub async fn finish(
        &self,
        code: &str,
        verifier: &str,
        nonce: &str,
    ) -> Result<Identity, SsoError> {
        let client = self.client(false).await?;
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| SsoError::Unavailable(format!("the provider has no token endpoint: {e}")))?
            .set_pkce_verifier(PkceCodeVerifier::new(verifier.to_string()))
            .request_async(&self.http)
            .await
            .map_err(|e| match &e {
                RequestTokenError::ServerResponse(_) => {
                    SsoError::Refused(format!("the token request was refused: {}", chain(&e)))
                }
                _ => SsoError::Unavailable(format!("the token request failed: {}", chain(&e))),
            })?;
        let id_token = tokens
            .id_token()
            .ok_or_else(|| SsoError::Refused("the provider sent no ID token".into()))?;
        let nonce = Nonce::new(nonce.to_string());
        let claims = match verify(&client, id_token, &nonce) {
            Err(ClaimsVerificationError::SignatureVerification(_)) => {
                // Perhaps new signing keys: fetch them and try once more.
                let client = self.client(true).await?;
                verify(&client, id_token, &nonce)
            }
            other => other,
        }
        .map_err(|e| SsoError::Refused(format!("the ID token does not verify: {}", chain(&e))))?;
        Ok(Identity {
            subject: claims.subject().as_str().to_string(),
            email: claims.email().map(|e| e.as_str().to_string()),
            email_verified: claims.email_verified(),
            name: claims
                .name()
                .and_then(|n| n.get(None))
                .map(|n| n.as_str().to_string()),
        })
    }
}

fn verify(
    client: &OidcClient,
    id_token: &CoreIdToken,
    nonce: &Nonce,
) -> Result<CoreIdTokenClaims, ClaimsVerificationError> {
    id_token.claims(&client.id_token_verifier(), nonce).cloned()
}

/// An error with its causes, for the log (openidconnect's own messages
/// are terse: "Request failed").
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// openidconnect's HTTP client over the workspace's reqwest: no redirects
/// followed (a redirect from a token endpoint is not to be trusted), and
/// time limits so a provider that hangs does not hang sign-in with it.
#[derive(Clone, Debug)]
struct OidcHttp(reqwest::Client);

impl OidcHttp {
    fn new() -> reqwest::Result<Self> {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .build()
            .map(Self)
    }
}

impl<'c> AsyncHttpClient<'c> for OidcHttp {
    type Error = HttpClientError<reqwest::Error>;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, Self::Error>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let request: reqwest::Request = request.try_into().map_err(Box::new)?;
            let response = self.0.execute(request).await.map_err(Box::new)?;
            let mut builder = openidconnect::http::Response::builder()
                .status(response.status())
                .version(response.version());
            for (name, value) in response.headers() {
                builder = builder.header(name, value);
            }
            let body = response.bytes().await.map_err(Box::new)?;
            builder.body(body.to_vec()).map_err(HttpClientError::Http)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(issuer: &str) -> SsoConfig {
        SsoConfig {
            issuer: issuer.into(),
            client_id: "goldthread".into(),
            client_secret: "secret".into(),
            default_role: Some(Role::Viewer),
        }
    }

    #[test]
    fn the_redirect_uri_is_the_callback_under_the_base_url() {
        assert_eq!(
            redirect_uri("https://goldthread.council.gov.uk/"),
            "https://goldthread.council.gov.uk/sign-in/sso/callback"
        );
        assert_eq!(
            redirect_uri("http://127.0.0.1:8080"),
            "http://127.0.0.1:8080/sign-in/sso/callback"
        );
    }

    #[test]
    fn the_issuer_must_be_a_web_address_and_the_secret_stays_out_of_logs() {
        assert!(
            config("https://login.microsoftonline.com/tenant/v2.0")
                .check()
                .is_ok()
        );
        assert!(config("login.microsoftonline.com").check().is_err());
        assert!(config("ftp://idp.example").check().is_err());
        let mut empty = config("https://idp.example");
        empty.client_secret.clear();
        assert!(empty.check().is_err());
        let shown = format!("{:?}", config("https://idp.example"));
        assert!(!shown.contains("\"secret\""), "{shown}");
    }
}
