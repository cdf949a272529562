#!/usr/bin/env node
// Black-box test of cmd/mcp with the official MCP TypeScript SDK client:
// what Claude Desktop, Cursor and most other clients are built on. It only
// speaks the protocol; cmd/mcp/tssdk_test.go builds the binary, writes its
// configuration and runs this script.
//
//   node blackbox.mjs stdio MCP_BINARY CONFIG   spawns the binary on stdio
//   node blackbox.mjs http URL                  connects to URL (…/mcp) with
//                                               the bearer token in
//                                               $VPSOPS_MCP_TOKEN
//
// The token comes from the environment, not the command line, where any
// local user could read it in the process list.
//
// On success it prints one JSON line of what it saw and exits 0; on the
// first failed check it prints "blackbox: <what failed>" to stderr and
// exits 1. The client declares no capabilities (no elicitation), so a
// destructive tool must come back pending an approver, having done nothing.

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const usage = 'usage: blackbox.mjs stdio MCP_BINARY CONFIG | blackbox.mjs http URL (token in $VPSOPS_MCP_TOKEN)';
const kept = 'demo-fra/fra-101'; // only read
const doomed = 'demo-fra/fra-102'; // delete_server is asked for it
const hints = ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'];

class CheckFailed extends Error {}

function check(ok, what) {
  if (!ok) throw new CheckFailed(what);
}

function transportFor(argv) {
  const [mode, ...rest] = argv;
  if (mode === 'stdio' && rest.length === 2) {
    const [command, config] = rest;
    // stderr is inherited: the server's logs reach whoever runs the script.
    return new StdioClientTransport({ command, args: ['--config', config], stderr: 'inherit' });
  }
  if (mode === 'http' && rest.length === 1) {
    const token = process.env.VPSOPS_MCP_TOKEN;
    check(token, 'http mode needs the bearer token in $VPSOPS_MCP_TOKEN');
    return new StreamableHTTPClientTransport(new URL(rest[0]), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
    });
  }
  throw new CheckFailed(usage);
}

// call runs one tool and insists it succeeded with a structured result.
async function call(client, name, args) {
  const res = await client.callTool({ name, arguments: args });
  const text = (res.content ?? []).filter(c => c.type === 'text').map(c => c.text).join(' ');
  check(!res.isError, `${name} ${JSON.stringify(args)} answered an error: ${text}`);
  check(res.structuredContent && typeof res.structuredContent === 'object', `${name} returned no structuredContent`);
  return res.structuredContent;
}

async function main(argv) {
  const transport = transportFor(argv);
  const client = new Client({ name: 'vpsops-tssdk-blackbox', version: '1.0.0' }, { capabilities: {} });
  await client.connect(transport);
  try {
    const server = client.getServerVersion();

    // Every tool states all four hints: a client that trusts them must not
    // fall back on the protocol's defaults (destructive, open-world).
    const { tools } = await client.listTools();
    const byName = new Map(tools.map(t => [t.name, t]));
    for (const name of ['get_server', 'delete_server', 'get_approval']) {
      check(byName.has(name), `tools/list lacks ${name} (got ${[...byName.keys()].join(', ')})`);
    }
    for (const t of tools) {
      for (const h of hints) {
        check(typeof t.annotations?.[h] === 'boolean', `tool ${t.name}: annotation ${h} is not set`);
      }
    }
    check(byName.get('get_server').annotations.readOnlyHint === true, 'get_server is not marked read-only');
    check(byName.get('delete_server').annotations.destructiveHint === true, 'delete_server is not marked destructive');

    // The SDK client validates structuredContent against each tool's
    // outputSchema, so a result that breaks its schema fails here too.
    const detail = await call(client, 'get_server', { server: kept });
    check(typeof detail.ref === 'string' && detail.ref !== '', `get_server ${kept}: structuredContent has no ref`);

    const asked = await call(client, 'delete_server', { server: doomed });
    check(asked.status === 'approval_pending' && asked.approval_id === asked.request?.id, `delete_server ${doomed}: status is ${JSON.stringify(asked.status)}, want "approval_pending" with its approval_id`);
    check(asked.request?.state === 'pending', `delete_server ${doomed}: request.state is ${JSON.stringify(asked.request?.state)}, want "pending"`);
    const id = asked.request.id;
    check(typeof id === 'string' && id !== '', `delete_server ${doomed}: the pending request has no id`);

    // Nothing happened: the server is still there and the request waits.
    const still = await call(client, 'get_server', { server: doomed });
    check(typeof still.ref === 'string' && still.ref !== '', `get_server ${doomed} after delete_server: structuredContent has no ref`);
    const followed = await call(client, 'get_approval', { id });
    check(followed.state === 'pending', `get_approval ${id}: state is ${JSON.stringify(followed.state)}, want "pending"`);

    return {
      ok: true,
      transport: argv[0],
      server: server ? `${server.name} ${server.version}` : null,
      tools: tools.length,
      read: detail.ref,
      kept: still.ref,
      approval: id,
      state: followed.state,
    };
  } finally {
    await client.close();
  }
}

try {
  const result = await main(process.argv.slice(2));
  process.stdout.write(JSON.stringify(result) + '\n');
} catch (err) {
  // A failed fetch hides why (refused, reset) in its cause.
  const cause = err?.cause?.message ? ` (${err.cause.message})` : '';
  const what = err instanceof CheckFailed ? err.message : `${err?.name ?? 'Error'}: ${err?.message ?? err}${cause}`;
  process.stderr.write(`blackbox: ${what}\n`);
  process.exitCode = 1;
}
