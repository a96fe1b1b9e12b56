"""PyTorch CPU peer for bench/infer.bench.ts: the same U-Net (conv-BN?-ReLU x2 per level, 2x2
max pool, ConvTranspose 2x2 up + skip concat, 1x1 conv, softmax), eval mode, N threads.
Prints one JSON line: {"torch": version, "threads": n, "results": [{model, batch, ms, cpuMs}]}
(ms: median wall time; cpuMs: mean process CPU time over all threads)."""
import json, sys, time, statistics
import torch
import torch.nn as nn

def block(cin, cout, bn):
    layers = []
    for i in range(2):
        layers.append(nn.Conv2d(cin if i == 0 else cout, cout, 3, padding=1, bias=not bn))
        if bn:
            layers.append(nn.BatchNorm2d(cout))
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)

class UNet(nn.Module):
    def __init__(self, base, depth, bn, cin=3, classes=9):
        super().__init__()
        w = [base * 2 ** d for d in range(depth + 1)]
        self.enc = nn.ModuleList([block(cin if d == 0 else w[d - 1], w[d], bn) for d in range(depth)])
        self.pool = nn.MaxPool2d(2)
        self.mid = block(w[depth - 1], w[depth], bn)
        self.up = nn.ModuleList([nn.ConvTranspose2d(w[d + 1], w[d], 2, stride=2) for d in reversed(range(depth))])
        self.dec = nn.ModuleList([block(2 * w[d], w[d], bn) for d in reversed(range(depth))])
        self.head = nn.Conv2d(w[0], classes, 1)

    def forward(self, x):
        skips = []
        for e in self.enc:
            x = e(x)
            skips.append(x)
            x = self.pool(x)
        x = self.mid(x)
        for up, dec, s in zip(self.up, self.dec, reversed(skips)):
            x = dec(torch.cat([up(x), s], 1))
        return torch.softmax(self.head(x), 1)

def main():
    cfg = json.loads(sys.argv[1])
    torch.set_num_threads(cfg["threads"])
    out = []
    for m in cfg["models"]:
        net = UNet(m["base"], m["depth"], m["bn"]).eval()
        for b in cfg["batches"]:
            x = torch.rand(b, 3, cfg["size"], cfg["size"])
            times = []
            with torch.inference_mode():
                net(x)
                c0 = time.process_time()
                for _ in range(cfg["runs"]):
                    t = time.perf_counter()
                    net(x)
                    times.append((time.perf_counter() - t) * 1000)
                cpu = (time.process_time() - c0) * 1000 / cfg["runs"]
            out.append({"model": m["name"], "batch": b, "ms": statistics.median(times), "cpuMs": cpu})
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "results": out}))

main()
