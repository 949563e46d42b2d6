#!/usr/bin/python3
"""PyTorch references for gradient clipping and learning-rate schedules (float64).

clip: three gradients (shapes [4, 3], [3], [5]) and, per case, torch.nn.utils.clip_grad_norm_ (max_norm, norm_type)
or clip_grad_value_ (clip_value): total_norm returned (norm cases) and the gradients afterwards.
schedules: the lr after each of `steps` scheduler.step() calls (ReduceLROnPlateau: step(metrics[i])), for an SGD
optimizer whose initial lr is `lr0`.
Usage: gen_clip_and_schedules.py OUTFILE
"""
import json, math, sys
import torch
torch.set_default_dtype(torch.float64)
g = torch.Generator().manual_seed(99)
shapes = [(4, 3), (3,), (5,)]
grads = [3 * torch.randn(*s, generator=g) for s in shapes]
clip = {}
for name, max_norm, norm_type in [('norm2_clipped', 1.0, 2.0), ('norm2_not_clipped', 100.0, 2.0),
                                  ('norm1_clipped', 2.5, 1.0), ('norm3_clipped', 0.7, 3.0),
                                  ('norm_inf_clipped', 0.5, math.inf), ('norm_inf_not_clipped', 50.0, math.inf)]:
    ps = [torch.zeros(*s, requires_grad=True) for s in shapes]
    for p, gr in zip(ps, grads):
        p.grad = gr.clone()
    total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type)
    clip[name] = dict(max_norm=max_norm, norm_type='inf' if norm_type == math.inf else norm_type,
                      total_norm=total.item(), grads_after=[p.grad.flatten().tolist() for p in ps])
ps = [torch.zeros(*s, requires_grad=True) for s in shapes]
for p, gr in zip(ps, grads):
    p.grad = gr.clone()
torch.nn.utils.clip_grad_value_(ps, 2.0)
clip['value_2'] = dict(clip_value=2.0, grads_after=[p.grad.flatten().tolist() for p in ps])

metrics = [1.0]
for i in range(59):
    metrics.append(metrics[-1] * (0.97 if i % 9 < 4 else 1.002) + 0.01 * torch.randn(1, generator=g).item())
S = torch.optim.lr_scheduler
schedules = {}
def run(name, lr0, steps, make, **options):
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr0)
    sched = make(opt)
    lrs = []
    for i in range(steps):
        if isinstance(sched, S.ReduceLROnPlateau):
            sched.step(metrics[i])
        else:
            sched.step()
        lrs.append(opt.param_groups[0]['lr'])
    schedules[name] = dict(lr0=lr0, steps=steps, options=options, lrs=lrs)
run('step_lr', 0.1, 40, lambda o: S.StepLR(o, step_size=7, gamma=0.5), kind='step', step_size=7, gamma=0.5)
run('exponential_lr', 0.1, 40, lambda o: S.ExponentialLR(o, gamma=0.93), kind='exponential', gamma=0.93)
run('cosine_t10', 0.1, 45, lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001), kind='cosine', t_max=10,
    eta_min=0.001)
run('cosine_t7_eta0', 0.05, 30, lambda o: S.CosineAnnealingLR(o, T_max=7), kind='cosine', t_max=7, eta_min=0.0)
run('plateau_min_rel', 0.1, 60, lambda o: S.ReduceLROnPlateau(o, mode='min', factor=0.5, patience=2, threshold=0.01,
    threshold_mode='rel', cooldown=1, min_lr=0.01), kind='plateau', mode='min', factor=0.5, patience=2,
    threshold=0.01, threshold_mode='rel', cooldown=1, min_lr=0.01)
run('plateau_max_abs', 0.1, 60, lambda o: S.ReduceLROnPlateau(o, mode='max', factor=0.3, patience=1, threshold=0.005,
    threshold_mode='abs', cooldown=0, min_lr=0.0), kind='plateau', mode='max', factor=0.3, patience=1,
    threshold=0.005, threshold_mode='abs', cooldown=0, min_lr=0.0)
run('plateau_min_defaults', 0.1, 60, lambda o: S.ReduceLROnPlateau(o), kind='plateau', mode='min', factor=0.1,
    patience=10, threshold=1e-4, threshold_mode='rel', cooldown=0, min_lr=0.0)
json.dump(dict(torch=torch.__version__, grads=[gr.flatten().tolist() for gr in grads], shapes=shapes, clip=clip,
               metrics=metrics, schedules=schedules), open(sys.argv[1], 'w'), indent=1)
for k, v in schedules.items():
    print(k, [round(x, 5) for x in v['lrs'][:12]])
for k, v in clip.items():
    print(k, v.get('total_norm'))
