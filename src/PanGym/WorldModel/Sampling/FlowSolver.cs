namespace PanGym.WorldModel;

/// <summary>The ODE solver that integrates a flow-matching velocity field from noise (τ = 0) to data (τ = 1).</summary>
public enum FlowSolver
{
    /// <summary>First order: x ← x + Δτ·v(x, τ); one network evaluation per step.</summary>
    Euler,

    /// <summary>Heun's second-order method (the trapezoid corrector of EDM, Karras et al. 2022); two evaluations per step.</summary>
    Heun,
}
