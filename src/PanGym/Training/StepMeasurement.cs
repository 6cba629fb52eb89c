namespace PanGym.Training;

/// <summary>What one training step (or one validation batch, with no gradient norm or learning rate) measured.</summary>
internal readonly record struct StepMeasurement(double Loss, double Flow, double Latent, double Reconstruction, double Painted, double GradNorm, double LearningRate);
