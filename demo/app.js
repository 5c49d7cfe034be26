// A plain web app using OKAP: discovery, requestAccess, getGrants. No build step, no key.
const status = document.getElementById('vault-status');
const out = document.getElementById('grant');
let vault = window.okap;

// Discovery works even when the vault's script arrives after ours.
window.addEventListener('okap:announceVault', (event) => {
  vault = event.detail.vault;
  status.textContent = `Found ${event.detail.info.name} ${event.detail.info.version}.`;
});
window.dispatchEvent(new Event('okap:requestVault'));
if (!vault) status.textContent = 'No OKAP vault found. Install OKAP Wallet and reload.';

function show(value) {
  out.classList.remove('error');
  out.textContent = JSON.stringify(value, null, 2);
}

document.getElementById('connect').addEventListener('click', async () => {
  if (!vault) return;
  try {
    show(
      await vault.requestAccess({
        provider: 'openai',
        models: ['gpt-4o-mini', 'gpt-4o'],
        capabilities: ['chat'],
        limits: { monthly_spend: 5, requests_per_minute: 20 },
        reason: 'Chat with the demo assistant',
      }),
    );
  } catch (error) {
    out.classList.add('error');
    out.textContent = `${error.code}: ${error.message}`;
  }
});

vault?.getGrants?.().then((grants) => grants.length && show(grants.at(-1)), () => {});
vault?.addEventListener('revoked', () => show('The grant was revoked.'));
