from mammoth_math.cli import main

raise SystemExit(main())
