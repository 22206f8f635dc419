/**
 * The context of a China deployment as an operator gives it (`-c profile=china -c region=… -c oidc…=…`):
 * an OIDC issuer for staff (a Keycloak realm here), its claims, and the site's ICP-recorded domain with an
 * IAM server certificate.
 */
export const CHINA_OIDC = {
  oidcIssuer: 'https://id.example.gov.cn/realms/pingyi',
  oidcClientId: 'pingyi-web',
  oidcAuthorizationEndpoint: 'https://id.example.gov.cn/realms/pingyi/protocol/openid-connect/auth',
  oidcTokenEndpoint: 'https://id.example.gov.cn/realms/pingyi/protocol/openid-connect/token',
  oidcLogoutEndpoint: 'https://id.example.gov.cn/realms/pingyi/protocol/openid-connect/logout',
  oidcGroupsClaim: 'groups',
  oidcTokenKindClaim: 'typ',
  oidcTokenKindValue: 'Bearer',
} as const;

export const CHINA_CONTEXT = {
  profile: 'china',
  region: 'cn-northwest-1',
  ...CHINA_OIDC,
  domainName: 'pingyi.example.gov.cn',
  iamCertificateId: 'ASCAEXAMPLE1234567890',
} as const;
