import { htmlReply, type Reply } from './sim-reply.ts';

/** Cloudflare's bot check: HTTP 403 with an HTML page where JSON was expected. */
export function cloudflareChallenge(): Reply {
  const html = `<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8"><meta name="robots" content="noindex,nofollow">
</head><body><div class="main-wrapper" role="main"><div class="main-content">
<noscript><div class="h2"><span id="challenge-error-text">Enable JavaScript and cookies to continue</span></div></noscript>
</div></div></body></html>`;
  return htmlReply(403, html, { Server: 'cloudflare', 'cf-mitigated': 'challenge', 'Cache-Control': 'private, max-age=0, no-store' });
}

const GATEWAY_TITLES: Record<number, string> = { 502: 'Bad Gateway', 504: 'Gateway Time-out' };

/** A reverse proxy's own error page, as served when the application behind it is down or slow. */
export function gatewayPage(status: 502 | 504, server = 'cloudflare'): Reply {
  const title = `${status} ${GATEWAY_TITLES[status]}`;
  const html = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>${server}</center>\r\n</body>\r\n</html>\r\n`;
  return htmlReply(status, html, { Server: server });
}
