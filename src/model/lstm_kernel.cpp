#include "aemigap/model/lstm_kernel.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace aemigap::model {

namespace {

typedef float v8 __attribute__((vector_size(32)));
typedef int i8 __attribute__((vector_size(32)));

inline v8 load(const float* p) {
  v8 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store(float* p, v8 v) { std::memcpy(p, &v, sizeof v); }
inline v8 splat(float x) { return v8{x, x, x, x, x, x, x, x}; }

// exp(x) for |x| <= 87: 2^n * p(r), r = x - n ln2 (Cody-Waite), degree-6 polynomial;
// relative error ~1e-7, like the Cephes expf.
inline v8 vexp(v8 x) {
  x = x < splat(-87.0f) ? splat(-87.0f) : x;
  x = x > splat(87.0f) ? splat(87.0f) : x;
  v8 fx = x * splat(1.44269504088896341f);
  // n = fx rounded half away from zero (any integer near fx keeps r small)
  i8 ni = __builtin_convertvector(fx + (fx >= splat(0.0f) ? splat(0.5f) : splat(-0.5f)), i8);
  v8 n = __builtin_convertvector(ni, v8);
  v8 r = x - n * splat(0.693359375f) - n * splat(-2.12194440e-4f);
  v8 r2 = r * r;
  v8 p = splat(1.9875691500e-4f);
  p = p * r + splat(1.3981999507e-3f);
  p = p * r + splat(8.3334519073e-3f);
  p = p * r + splat(4.1665795894e-2f);
  p = p * r + splat(1.6666665459e-1f);
  p = p * r + splat(5.0000001201e-1f);
  p = p * r2 + r + splat(1.0f);
  i8 e = (ni + 127) << 23;
  v8 scale;
  std::memcpy(&scale, &e, sizeof scale);
  return p * scale;
}
inline v8 vsigmoid(v8 x) { return splat(1.0f) / (splat(1.0f) + vexp(-x)); }
inline v8 vtanh(v8 x) { return splat(2.0f) / (splat(1.0f) + vexp(splat(-2.0f) * x)) - splat(1.0f); }

constexpr int kTile = 48;  // sequences per tile (a multiple of the 6-row micro-kernel)
constexpr int kMr = 6;     // micro-kernel rows
constexpr int kNr = 16;    // micro-kernel columns (two AVX2 registers)

// C[rows x N] = bias + A[rows x K] * W[K x N], rows <= kTile, N % 16 == 0.
void gemm_bias(const float* A, int rows, int K, const float* W, int N, const float* bias, float* C) {
  for (int j = 0; j < N; j += kNr) {
    int i = 0;
    for (; i + kMr <= rows; i += kMr) {
      v8 acc[kMr][2];
      v8 b0 = load(bias + j), b1 = load(bias + j + 8);
      for (int r = 0; r < kMr; ++r) acc[r][0] = b0, acc[r][1] = b1;
      const float* a = A + static_cast<std::size_t>(i) * K;
      for (int k = 0; k < K; ++k) {
        v8 w0 = load(W + static_cast<std::size_t>(k) * N + j), w1 = load(W + static_cast<std::size_t>(k) * N + j + 8);
        for (int r = 0; r < kMr; ++r) {
          v8 av = splat(a[static_cast<std::size_t>(r) * K + k]);
          acc[r][0] += av * w0;
          acc[r][1] += av * w1;
        }
      }
      for (int r = 0; r < kMr; ++r) {
        store(C + static_cast<std::size_t>(i + r) * N + j, acc[r][0]);
        store(C + static_cast<std::size_t>(i + r) * N + j + 8, acc[r][1]);
      }
    }
    for (; i < rows; ++i) {  // leftover rows
      v8 a0 = load(bias + j), a1 = load(bias + j + 8);
      const float* a = A + static_cast<std::size_t>(i) * K;
      for (int k = 0; k < K; ++k) {
        v8 av = splat(a[k]);
        a0 += av * load(W + static_cast<std::size_t>(k) * N + j);
        a1 += av * load(W + static_cast<std::size_t>(k) * N + j + 8);
      }
      store(C + static_cast<std::size_t>(i) * N + j, a0);
      store(C + static_cast<std::size_t>(i) * N + j + 8, a1);
    }
  }
}

// One layer-step for `rows` sequences: gates -> (c, h). h and c are [rows x H].
void cell(const float* gates, int rows, int H, float* h, float* c) {
  for (int r = 0; r < rows; ++r) {
    const float* g = gates + static_cast<std::size_t>(r) * 4 * H;
    float* hr = h + static_cast<std::size_t>(r) * H;
    float* cr = c + static_cast<std::size_t>(r) * H;
    for (int k = 0; k < H; k += 8) {
      v8 i = vsigmoid(load(g + k)), f = vsigmoid(load(g + H + k)), gg = vtanh(load(g + 2 * H + k)),
         o = vsigmoid(load(g + 3 * H + k));
      v8 cn = f * load(cr + k) + i * gg;
      store(cr + k, cn);
      store(hr + k, o * vtanh(cn));
    }
  }
}

}  // namespace

void LstmStack::score(const float* h0, const float* c0, const float* x, std::size_t n, int steps, float* prob) const {
  const int H = hidden, G = 4 * H;
  const int Kmax = std::max(in0, H) + H;
  std::vector<float> inp(static_cast<std::size_t>(kTile) * Kmax), gates(static_cast<std::size_t>(kTile) * G);
  std::vector<float> h(static_cast<std::size_t>(layers) * kTile * H), c(h.size());
  for (std::size_t t0 = 0; t0 < n; t0 += kTile) {
    const int rows = static_cast<int>(std::min<std::size_t>(kTile, n - t0));
    for (int l = 0; l < layers; ++l)
      for (int r = 0; r < rows; ++r) {
        std::memcpy(&h[(static_cast<std::size_t>(l) * kTile + r) * H], h0 + static_cast<std::size_t>(l) * H, H * sizeof(float));
        std::memcpy(&c[(static_cast<std::size_t>(l) * kTile + r) * H], c0 + static_cast<std::size_t>(l) * H, H * sizeof(float));
      }
    for (int s = 0; s < steps; ++s) {
      for (int l = 0; l < layers; ++l) {
        const int in = l == 0 ? in0 : H, K = in + H;
        float* hl = &h[static_cast<std::size_t>(l) * kTile * H];
        for (int r = 0; r < rows; ++r) {
          float* dst = &inp[static_cast<std::size_t>(r) * K];
          const float* src = l == 0 ? x + ((t0 + static_cast<std::size_t>(r)) * steps + s) * in0
                                    : &h[(static_cast<std::size_t>(l - 1) * kTile + r) * H];
          std::memcpy(dst, src, static_cast<std::size_t>(in) * sizeof(float));
          std::memcpy(dst + in, hl + static_cast<std::size_t>(r) * H, H * sizeof(float));
        }
        gemm_bias(inp.data(), rows, K, w[static_cast<std::size_t>(l)].data(), G, b[static_cast<std::size_t>(l)].data(), gates.data());
        cell(gates.data(), rows, H, hl, &c[static_cast<std::size_t>(l) * kTile * H]);
      }
    }
    const float* hl = &h[static_cast<std::size_t>(layers - 1) * kTile * H];
    for (int r = 0; r < rows; ++r) {
      float z = head_b;
      for (int k = 0; k < H; ++k) z += hl[static_cast<std::size_t>(r) * H + k] * head_w[static_cast<std::size_t>(k)];
      prob[t0 + static_cast<std::size_t>(r)] = 1.0f / (1.0f + std::exp(-z));
    }
  }
}

void LstmStack::prefix_state(const float* x, int steps, float* hout, float* cout) const {
  const int H = hidden, G = 4 * H;
  std::vector<float> h(static_cast<std::size_t>(layers) * H, 0.0f), c(h.size(), 0.0f), gates(G), inp(std::max(in0, H) + H);
  for (int s = 0; s < steps; ++s)
    for (int l = 0; l < layers; ++l) {
      const int in = l == 0 ? in0 : H;
      std::memcpy(inp.data(), l == 0 ? x + static_cast<std::size_t>(s) * in0 : &h[static_cast<std::size_t>(l - 1) * H],
                  static_cast<std::size_t>(in) * sizeof(float));
      std::memcpy(inp.data() + in, &h[static_cast<std::size_t>(l) * H], H * sizeof(float));
      gemm_bias(inp.data(), 1, in + H, w[static_cast<std::size_t>(l)].data(), G, b[static_cast<std::size_t>(l)].data(), gates.data());
      cell(gates.data(), 1, H, &h[static_cast<std::size_t>(l) * H], &c[static_cast<std::size_t>(l) * H]);
    }
  std::copy(h.begin(), h.end(), hout);
  std::copy(c.begin(), c.end(), cout);
}

}  // namespace aemigap::model
