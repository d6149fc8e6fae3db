/** Messages between the load run and the bot process under load (IPC). */
export type ChildRequest = { op: 'memory' } | { op: 'crash-worker' };

export type ChildReply = { op: 'ready'; readyMs: number } | { op: 'memory'; rssBytes: number } | { op: 'crash-worker' };
