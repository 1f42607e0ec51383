from campaign.cli.main import main

main()
