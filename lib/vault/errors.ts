/** Every failure the vault reports to its UI: a code a program can act on and a sentence a person can read. */
export type VaultErrorCode =
  | 'no_vault'
  | 'vault_exists'
  | 'vault_locked'
  | 'wrong_passphrase'
  /** The change would send a key somewhere new: the person must type the passphrase to confirm. */
  | 'passphrase_required'
  | 'locked_out'
  | 'weak_passphrase'
  | 'not_found'
  | 'invalid_input'
  | 'bad_backup';

export class VaultError extends Error {
  constructor(
    readonly code: VaultErrorCode,
    message: string,
    /** For `locked_out`: when the next try is allowed (epoch ms). */
    readonly retryAt?: number,
  ) {
    super(message);
  }
}

export const vaultLocked = () => new VaultError('vault_locked', 'The vault is locked. Unlock it first.');
