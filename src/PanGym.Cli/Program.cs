return PanGym.Cli.PanGymCli.Run(args);
