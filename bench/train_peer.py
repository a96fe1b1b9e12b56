"""PyTorch CPU peer for bench/train.bench.ts: the same U-Net, input and loss (CE + soft Dice).
Prints one JSON line: forward and training-step medians in seconds."""
import json, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

base, depth, bn, size, batch, threads, reps = (int(a) for a in sys.argv[1:8])
torch.set_num_threads(threads)
K = 9

def block(cin, cout):
    layers = []
    for i in range(2):
        layers.append(nn.Conv2d(cin if i == 0 else cout, cout, 3, padding=1, bias=not bn))
        if bn:
            layers.append(nn.BatchNorm2d(cout))
        layers.append(nn.ReLU())
    return nn.Sequential(*layers)

class UNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.ModuleList([block(3 if d == 0 else base * 2 ** (d - 1), base * 2 ** d) for d in range(depth)])
        self.mid = block(base * 2 ** (depth - 1), base * 2 ** depth)
        self.up = nn.ModuleList([nn.ConvTranspose2d(base * 2 ** (d + 1), base * 2 ** d, 2, stride=2) for d in range(depth)])
        self.dec = nn.ModuleList([block(base * 2 ** (d + 1), base * 2 ** d) for d in range(depth)])
        self.head = nn.Conv2d(base, K, 1)

    def forward(self, x):
        skips = []
        for e in self.enc:
            x = e(x); skips.append(x); x = F.max_pool2d(x, 2)
        x = self.mid(x)
        for d in reversed(range(depth)):
            x = torch.cat([self.up[d](x), skips[d]], 1); x = self.dec[d](x)
        return torch.softmax(self.head(x), 1)

m = UNet()
opt = torch.optim.Adam(m.parameters(), 1e-3)
x = torch.rand(batch, 3, size, size)
y = F.one_hot(torch.randint(0, K, (batch, size, size)), K).permute(0, 3, 1, 2).float()

def step():
    opt.zero_grad()
    p = m(x)
    ce = -(y * torch.log(p.clamp(1e-7, 1))).sum(1).mean()
    inter = (p * y).sum((0, 2, 3)); den = p.sum((0, 2, 3)) + y.sum((0, 2, 3))
    loss = ce + 1 - ((2 * inter + 1) / (den + 1))[1:].mean()
    loss.backward(); opt.step()

def median(f):
    f()
    ws, cs = [], []
    for _ in range(reps):
        t, c = time.perf_counter(), time.process_time()
        f()
        ws.append(time.perf_counter() - t); cs.append(time.process_time() - c)
    return sorted(ws)[len(ws) // 2], sorted(cs)[len(cs) // 2]

m.eval()
with torch.no_grad():
    fwd, fwd_cpu = median(lambda: m(x))
m.train()
st, st_cpu = median(step)
print(json.dumps({"forward": fwd, "step": st, "forward_cpu": fwd_cpu, "step_cpu": st_cpu, "threads": torch.get_num_threads(), "torch": torch.__version__}))
