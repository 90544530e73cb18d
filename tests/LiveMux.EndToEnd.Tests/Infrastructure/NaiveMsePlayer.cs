namespace LiveMux.EndToEnd.Tests.Infrastructure;

/// <summary>
/// go2rtc's player in miniature, for <c>page.EvaluateAsync(Script, wsUrl)</c>: it speaks the MSE protocol, appends
/// what arrives and never seeks, and keeps its video element as <c>window.naive</c>. The promise resolves to
/// <c>'open'</c> or <c>'error'</c> with the socket.
/// </summary>
internal static class NaiveMsePlayer
{
    public const string Script = """
        (url) => new Promise((resolve) => {
          const v = document.createElement('video');
          v.muted = true;
          document.body.appendChild(v);
          const ms = new MediaSource();
          v.src = URL.createObjectURL(ms);
          ms.addEventListener('sourceopen', () => {
            const ws = new WebSocket(url);
            ws.binaryType = 'arraybuffer';
            let sb = null;
            const queue = [];
            const pump = () => { if (sb && !sb.updating && queue.length) sb.appendBuffer(queue.shift()); };
            ws.onopen = () => { ws.send(JSON.stringify({ type: 'mse', value: 'avc1.640029,avc1.64002A,mp4a.40.2,opus' })); resolve('open'); };
            ws.onerror = () => resolve('error');
            ws.onmessage = (e) => {
              if (typeof e.data === 'string') {
                const m = JSON.parse(e.data);
                if (m.type === 'mse') { sb = ms.addSourceBuffer(m.value); sb.mode = 'segments'; sb.addEventListener('updateend', pump); }
                return;
              }
              queue.push(e.data);
              pump();
            };
            v.play().catch(() => {});
            window.naive = v;
          }, { once: true });
        })
        """;
}
