from gongfu_cli.cli.app import main

main()
