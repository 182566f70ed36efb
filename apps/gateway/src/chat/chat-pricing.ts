import { CHAT_CREDITS_PER_TOKEN, chatCredits, type ChatParams } from '@easel/contracts';

/** Template tokens a message may add around its text (role markers, separators), generously. */
const TEMPLATE_TOKENS_PER_MESSAGE = 16;

/**
 * The most a reply can use, held when it is accepted: every byte of the messages as a token (no
 * tokenizer makes more tokens than bytes), the template around them, and max_tokens. The worker
 * settles what was used and the rest is released.
 */
export function chatHold(params: Pick<ChatParams, 'messages' | 'maxTokens'>): number {
  const promptBound = params.messages.reduce((sum, m) => sum + Buffer.byteLength(m.content) + TEMPLATE_TOKENS_PER_MESSAGE, TEMPLATE_TOKENS_PER_MESSAGE);
  return chatCredits(promptBound + params.maxTokens);
}

export const CHAT_PRICING = `${CHAT_CREDITS_PER_TOKEN} credit per token, prompt and reply alike (so ${(CHAT_CREDITS_PER_TOKEN * 1000).toFixed(3)} per 1,000). The most the request can use (its messages' bytes plus max_tokens) is held when it is accepted; what the reply did not use is released when it ends.`;
