/**
 * The headers the API's CloudFront distribution adds to what it forwards (edge.ts), kept apart from the CDK
 * code so that the local runtime, which imitates them, does not load aws-cdk-lib.
 */

/**
 * The header CloudFront adds to every request it sends to the API, carrying the origin secret. CloudFront
 * overwrites a viewer's header of the same name, so no caller can set it from outside.
 */
export const ORIGIN_HEADER = 'x-pingyi-origin-verify';

/**
 * The header the API's distribution sets to the viewer's address (the functions read it as
 * CLIENT_ADDRESS_HEADER): behind CloudFront, API Gateway's source IP is one of CloudFront's. Set by a
 * CloudFront Function on every request, over anything the viewer sent under that name.
 */
export const VIEWER_ADDRESS_HEADER = 'x-viewer-address';
