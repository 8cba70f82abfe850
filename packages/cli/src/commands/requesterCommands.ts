import { type ApiKeyScope, signInRequester } from '@tender/sdk';
import { type Command, Option } from 'commander';
import { clearSession, saveSession } from '../config.ts';
import { parseAmount } from '../context.ts';
import { eth } from '../output.ts';
import type { Run } from './run.ts';

/** `login`, `logout`, `keys …` and `escrow …`: a requester's account. */
export function addAccountCommands(program: Command, run: Run): void {
  program
    .command('login')
    .description(
      'sign in as a requester with your key (Sign-In with Ethereum); the first sign-in creates your account',
    )
    .action(
      run(async (ctx) => {
        const account = await ctx.account();
        ctx.progress.step(`signing in to ${ctx.config.apiUrl} as ${account.address}`);
        const session = await signInRequester({ baseUrl: ctx.config.apiUrl, account });
        ctx.progress.done();
        await saveSession(ctx.config, session);
        return {
          value: { address: session.address, requesterId: session.requesterId, expiresAt: session.expiresAt },
          human: [
            `signed in as ${session.address} (requester ${session.requesterId})`,
            `session valid until ${session.expiresAt}, stored in ${ctx.config.configDir}`,
          ],
        };
      }),
    );

  program
    .command('logout')
    .description('forget the stored session for this api')
    .action(
      run(async (ctx) => {
        const removed = await clearSession(ctx.config);
        return { value: { removed }, human: removed ? 'signed out' : 'no session stored for this api' };
      }),
    );

  const keys = program.command('keys').description('API keys for scripts and services (need `tender login`)');
  keys
    .command('create')
    .description('create an API key; its secret is printed this once')
    .requiredOption('--name <name>', 'a name to recognise it by')
    .addOption(
      new Option('--scope <scope...>', 'what it may do')
        .choices(['submit', 'read'])
        .default(['submit', 'read']),
    )
    .action(
      run(async (ctx, opts: { name: string; scope: ApiKeyScope[] }) => {
        const client = await ctx.requester();
        const created = await client.createApiKey({ name: opts.name, scopes: opts.scope });
        return {
          value: created,
          human: [
            `key ${created.id} (${created.name}, ${created.scopes.join('+')}):`,
            created.key,
            'store it now: it is not shown again. Use it as TENDER_API_KEY.',
          ],
        };
      }),
    );
  keys
    .command('list')
    .description('list your API keys (no secrets)')
    .action(
      run(async (ctx) => {
        const list = await (await ctx.requester()).listApiKeys();
        return {
          value: { keys: list },
          human: () =>
            list.length === 0
              ? 'no API keys'
              : list.map(
                  (k) =>
                    `${k.id}  ${k.name}  ${k.scopes.join('+')}  created ${k.createdAt}${k.revokedAt ? `  REVOKED ${k.revokedAt}` : ''}${k.lastUsedAt ? `  last used ${k.lastUsedAt}` : ''}`,
                ),
        };
      }),
    );
  keys
    .command('revoke')
    .description('revoke an API key; it stops working at once')
    .argument('<id>', 'the key id (from `tender keys list`)')
    .action(
      run(async (ctx, id: string) => {
        await (await ctx.requester()).revokeApiKey(id);
        return { value: { id, revoked: true }, human: `revoked ${id}` };
      }),
    );

  const escrow = program
    .command('escrow')
    .description('your escrow in the market contract: transactions signed with your key over your RPC');
  escrow
    .command('deposit')
    .description('deposit ether into your escrow (jobs are paid from it)')
    .argument('<amount>', 'ether (0.5), or with a unit: 2gwei, 1000wei')
    .action(
      run(async (ctx, amount: string) => {
        const wei = parseAmount(amount);
        const client = await ctx.requester({ needsKey: true });
        const market = await client.getMarket();
        ctx.progress.step(`depositing ${eth(wei)}`);
        const txHash = await client.deposit(wei, ctx.rpcUrl(market));
        const balance = await client.escrowBalance(ctx.rpcUrl(market));
        ctx.progress.done();
        return {
          value: { txHash, depositedWei: wei, balanceWei: balance },
          human: [`deposited ${eth(wei)} (tx ${txHash})`, `escrow balance ${eth(balance)}`],
        };
      }),
    );
  escrow
    .command('withdraw')
    .description(
      "request a withdrawal from your escrow (completed with `escrow complete` after the market's withdrawal delay)",
    )
    .argument('<amount>', 'ether (0.5), or with a unit: 2gwei, 1000wei')
    .action(
      run(async (ctx, amount: string) => {
        const wei = parseAmount(amount);
        const client = await ctx.requester({ needsKey: true });
        const market = await client.getMarket();
        ctx.progress.step(`requesting a withdrawal of ${eth(wei)}`);
        const txHash = await client.withdraw(wei, ctx.rpcUrl(market));
        const { pendingWithdrawal } = await import('@tender/sdk');
        const pending = await pendingWithdrawal(market, (await ctx.account()).address, ctx.rpcUrl(market));
        ctx.progress.done();
        const readyAt = new Date(Number(pending.readyAt) * 1000).toISOString();
        return {
          value: { txHash, requestedWei: wei, pendingWei: pending.amount, readyAt },
          human: [
            `requested ${eth(wei)} (tx ${txHash})`,
            `pending ${eth(pending.amount)}, ready at ${readyAt}`,
          ],
        };
      }),
    );
  escrow
    .command('complete')
    .description('complete your pending withdrawal once its delay has passed')
    .action(
      run(async (ctx) => {
        const client = await ctx.requester({ needsKey: true });
        const market = await client.getMarket();
        ctx.progress.step('completing the withdrawal');
        const txHash = await client.completeWithdrawal(ctx.rpcUrl(market));
        const balance = await client.escrowBalance(ctx.rpcUrl(market));
        ctx.progress.done();
        return {
          value: { txHash, balanceWei: balance },
          human: [`withdrawal completed (tx ${txHash})`, `escrow balance ${eth(balance)}`],
        };
      }),
    );
  escrow
    .command('balance')
    .description('your escrow: the on-chain balance, and what the api counts as held by open jobs')
    .action(
      run(async (ctx) => {
        const client = await ctx.requester();
        const [me, market] = await Promise.all([client.me(), client.getMarket()]);
        const address = me.address ?? (await ctx.account()).address;
        const { escrowBalance } = await import('@tender/sdk');
        const onChain = await escrowBalance(market, address, ctx.rpcUrl(market));
        const view = me.escrow;
        return {
          value: { address, onChainBalanceWei: onChain, ...(view === undefined ? {} : { api: view }) },
          human: [
            `${address}: ${eth(onChain)} in escrow (on-chain)`,
            ...(view === undefined
              ? []
              : [
                  `held by open jobs ${eth(view.heldByOpenJobsWei)}, pending withdrawals ${eth(view.pendingWithdrawalWei)}`,
                  `available ${eth(view.availableWei)}`,
                ]),
          ],
        };
      }),
    );
}
