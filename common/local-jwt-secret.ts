/**
 * The HS256 secret the local API gives the functions its authorizers invoke (as `LOCAL_API_JWT_SECRET`), and that
 * `npm run token` signs with unless told otherwise. Fixed and published on purpose: tokens minted for `npm start`
 * keep working across restarts and machines, and a token signed with it is worthless against AWS, whose authorizer
 * reads its secret from SSM.
 */
export const LOCAL_JWT_SECRET = 'local-api-jwt-secret-not-for-aws';

/** The environment variable the local API sets the secret in, for the authorizer function alone. */
export const LOCAL_JWT_SECRET_VARIABLE = 'LOCAL_API_JWT_SECRET';
