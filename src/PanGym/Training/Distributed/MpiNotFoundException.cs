namespace PanGym.Training.Distributed;

/// <summary>Thrown when distributed training over MPI is asked for and no MPI library with MPICH's ABI can be loaded.</summary>
public sealed class MpiNotFoundException(string message) : InvalidOperationException(message);
