// The model, through the host's broker: POST /v1/chat/completions over a Unix socket. Node's
// fetch cannot use a socket path, so this uses node:http.
import { request } from 'node:http';

export class BudgetSpent extends Error {}

function post(path, body) {
  return new Promise((resolve, reject) => {
    const call = request(
      { socketPath: process.env.OURO_BROKER_SOCKET, path, method: 'POST', headers: { 'content-type': 'application/json' } },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    call.on('error', reject);
    call.end(JSON.stringify(body));
  });
}

/** One chat completion: the reply's text. Throws BudgetSpent when the broker answers 429. */
export async function chat(messages) {
  if (!process.env.OURO_BROKER_SOCKET) throw new Error('OURO_BROKER_SOCKET is not set: no model broker is bound into this sandbox');
  const { status, text } = await post('/v1/chat/completions', { messages });
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`the broker answered ${status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  if (status === 429) throw new BudgetSpent(body.error?.message ?? 'budget spent');
  if (status !== 200) throw new Error(`the broker answered ${status}: ${body.error?.message ?? text.slice(0, 200)}`);
  return body.choices?.[0]?.message?.content ?? '';
}
