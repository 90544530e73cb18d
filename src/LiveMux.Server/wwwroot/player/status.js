// The status line under the picture: which of connecting, buffering, playing, paused, reconnecting
// or error the element is in, and why. Pure: the element hands in its state.

export const STATUS_STYLE = `
.status { position: absolute; left: 6px; bottom: 6px; max-width: calc(100% - 12px); padding: 2px 6px;
  border-radius: 3px; background: rgba(0,0,0,.6); color: #ddd; pointer-events: none;
  font: 11px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
:host([controls]) .status { bottom: 48px; }
.status[data-status="playing"] { color: #8f8; }
.status[data-status="reconnecting"], .status[data-status="buffering"] { color: #fd6; }
.status[data-status="error"] { color: #f88; }`;

const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 10000;

/**
 * [status, reason] from the element's state: an error wins until media flows again, then a pending
 * reconnect, then the server's word that the camera is being retried.
 */
export function statusOf(s) {
  if (s.error) return ['error', s.error];
  if (s.retrying) return ['reconnecting', s.retryReason];
  if (s.serverReconnecting !== null) return ['reconnecting', s.serverReconnecting];
  if (!s.mime) return ['connecting', ''];
  if (s.playing && !s.paused) return ['playing', ''];
  if (s.autoplayBlocked) return ['paused', 'click to play'];
  if (s.paused && s.playedOnce && s.userPaused) return ['paused', ''];
  return ['buffering', ''];
}

/** The wait before reconnect number `attempt` (from 0): 0.5 s doubling to 10 s, +-25 % jitter so many players don't reconnect in lockstep. */
export function backoffDelay(attempt, random = Math.random()) {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt) * (0.75 + random * 0.5);
}
