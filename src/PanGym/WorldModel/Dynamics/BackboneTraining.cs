namespace PanGym.WorldModel;

/// <summary>Which part of the dynamics learns (PAN §3.2: the LLM backbone may stay frozen while its adapters train).</summary>
public enum BackboneTraining
{
    /// <summary>The backbone, the projections and the query slots all train.</summary>
    Full,

    /// <summary>The backbone's weights stay fixed; only the projections in and out and the query slots train.</summary>
    Frozen,
}
