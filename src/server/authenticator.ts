// Who is calling: the Authenticator port turns a bearer token into an Identity (TokenReview or a static token file).

export interface Identity {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export interface Authenticator {
  /** The identity behind `token`, or undefined when the token is not valid. Throws VaneError Unavailable when the
   * authority cannot be asked (the caller then answers 503, not 401). */
  authenticate(token: string): Promise<Identity | undefined>;
}

export const ANONYMOUS: Identity = { username: 'system:anonymous', groups: ['system:unauthenticated'] };
