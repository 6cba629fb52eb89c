return PanGym.Bench.BenchTool.Run(args);
