using static TorchSharp.torch;

namespace PanGym.WorldModel;

/// <summary>
/// The terms of <see cref="PanWorldModel.Loss"/>: <see cref="Total"/> = <see cref="Flow"/> + λ · <see cref="Latent"/> +
/// <see cref="Reconstruction"/> + <see cref="Painted"/>.
/// </summary>
/// <param name="Total">The scalar to minimise.</param>
/// <param name="Flow">PAN's flow-matching loss on the next frames, decoded from the predicted states ŝ_{t+1}.</param>
/// <param name="Latent">The auxiliary latent loss (prediction vs the encoding of the true next frame).</param>
/// <param name="Reconstruction">How well the <see cref="LatentRenderer"/> paints every encoded frame back.</param>
/// <param name="Painted">How well the <see cref="LatentRenderer"/> paints each predicted state ŝ_{t+1} as o_{t+1}.</param>
public sealed record WorldModelLoss(Tensor Total, Tensor Flow, Tensor Latent, Tensor Reconstruction, Tensor Painted);
